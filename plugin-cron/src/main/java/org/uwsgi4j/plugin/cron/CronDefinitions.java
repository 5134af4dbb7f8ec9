package org.uwsgi4j.plugin.cron;

import java.util.ArrayList;
import java.util.List;
import org.uwsgi4j.kernel.api.Options;

/**
 * The cron tasks the options define, parsed once, in uWSGI's syntax (core/cron.c):
 *
 * <pre>
 *  --cron / --unique-cron / --curl-cron    "MIN HOUR DAY MONTH WEEKDAY COMMAND-OR-URL"
 *  --legion-cron / --unique-legion-cron / --legion-curl-cron   "LEGION MIN HOUR DAY MONTH WEEKDAY …"
 *  --cron2  "minute=M,hour=H,day=D,month=MO,week=W,unique=0|1,harakiri=N,legion=NAME COMMAND"
 *           (every key optional, -1 when absent; without any key=value the whole value is the command)
 *  --cron-harakiri N   the default harakiri of every command task (cron2's harakiri=0 turns it off)
 * </pre>
 *
 * A bad value is an {@link IllegalArgumentException} whose message is the one line the user
 * reads, naming the option and its value.
 */
final class CronDefinitions {

    private CronDefinitions() {
    }

    /** Every task of {@code options}, in the options' order by kind. */
    static List<CronTask> from(Options options) {
        int harakiri = Math.max(0, options.intValue("cron-harakiri"));
        List<CronTask> tasks = new ArrayList<>();
        for (String v : options.values("cron")) {
            tasks.add(classic("cron", v, null, CronTask.Kind.COMMAND, false, harakiri));
        }
        for (String v : options.values("unique-cron")) {
            tasks.add(classic("unique-cron", v, null, CronTask.Kind.COMMAND, true, harakiri));
        }
        for (String v : options.values("curl-cron")) {
            tasks.add(classic("curl-cron", v, null, CronTask.Kind.CURL, false, 0));
        }
        for (String v : options.values("cron2")) {
            tasks.add(cron2(v, harakiri));
        }
        for (String name : List.of("legion-cron", "unique-legion-cron", "legion-curl-cron")) {
            for (String v : options.values(name)) {
                int space = v.strip().indexOf(' ');
                if (space < 0) {
                    throw new IllegalArgumentException("--" + name + " '" + v + "': invalid syntax, must be prefixed with a legion name");
                }
                String legion = v.strip().substring(0, space);
                CronTask.Kind kind = name.equals("legion-curl-cron") ? CronTask.Kind.CURL : CronTask.Kind.COMMAND;
                tasks.add(classic(name, v.strip().substring(space + 1), legion, kind, name.startsWith("unique"),
                        kind == CronTask.Kind.CURL ? 0 : harakiri));
            }
        }
        return tasks;
    }

    /**
     * The signals the options raise on a period or a change: {@code --timer "SIGNAL SECONDS"}
     * ({@code --signal-timer}, {@code --rbtimer}, {@code --signal-rbtimer}: a period) and
     * {@code --fs-signal "PATH SIGNAL"} ({@code --touch-signal}: a change of PATH).
     */
    static List<org.uwsgi4j.kernel.api.Signals.Source> signals(Options options, org.uwsgi4j.kernel.api.Signals signals) {
        List<org.uwsgi4j.kernel.api.Signals.Source> added = new ArrayList<>();
        for (String name : List.of("signal-timer", "signal-rbtimer")) {
            for (String v : options.values(name)) {
                String[] f = v.strip().split("\\s+");
                int[] n = numbers(name, v, f, 0, 1);
                added.add(signals.addTimer(n[0], n[1], 0));
            }
        }
        for (String name : List.of("fs-signal", "touch-signal")) {
            for (String v : options.values(name)) {
                String[] f = v.strip().split("\\s+");
                int[] n = numbers(name, v, f, 1);
                added.add(signals.addFileMonitor(n[0], f[0]));
            }
        }
        return added;
    }

    private static int[] numbers(String option, String value, String[] f, int... at) {
        int[] n = new int[at.length];
        if (f.length != 2) {
            throw new IllegalArgumentException("--" + option + " '" + value + "': expected two values ("
                    + (option.endsWith("timer") ? "SIGNAL SECONDS" : "PATH SIGNAL") + ")");
        }
        for (int i = 0; i < at.length; i++) {
            try {
                n[i] = Integer.parseInt(f[at[i]]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + option + " '" + value + "': " + f[at[i]] + " is no number");
            }
            if (i == 0 && (n[i] < 0 || n[i] > 255)) {
                throw new IllegalArgumentException("--" + option + " '" + value + "': signal " + n[i] + " out of range (0-255)");
            }
        }
        if (option.endsWith("timer") && n[1] < 1) {
            throw new IllegalArgumentException("--" + option + " '" + value + "': a timer needs at least 1 second");
        }
        return n;
    }

    /** "MIN HOUR DAY MONTH WEEKDAY ACTION" (uWSGI's sscanf of five numbers, then the rest). */
    static CronTask classic(String option, String value, String legion, CronTask.Kind kind, boolean unique, int harakiri) {
        String[] parts = value.strip().split("\\s+", 6);
        if (parts.length < 6 || parts[5].isBlank()) {
            throw new IllegalArgumentException("--" + option + " '" + value + "': invalid cron syntax (MIN HOUR DAY MONTH WEEKDAY "
                    + (kind == CronTask.Kind.CURL ? "URL" : "COMMAND") + ")");
        }
        int[] f = new int[5];
        for (int i = 0; i < 5; i++) {
            try {
                f[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + option + " '" + value + "': invalid cron syntax ('" + parts[i]
                        + "' is no number; uWSGI writes -1 for any and -N for every N)");
            }
        }
        return new CronTask(schedule(option, value, f), kind, parts[5].strip(), unique, harakiri, legion);
    }

    /** uWSGI's --cron2: {@code key=value,… command}. */
    static CronTask cron2(String value, int defaultHarakiri) {
        String v = value.strip();
        String keys = "";
        String command = v;
        int space = v.indexOf(' ');
        if (space >= 0 && v.substring(0, space).contains("=")) {
            keys = v.substring(0, space);
            command = v.substring(space + 1).strip();
        } else if (space < 0 && v.contains("=")) {
            throw new IllegalArgumentException("--cron2 '" + value + "': unable to parse cron definition (no command)");
        }
        if (command.isEmpty()) {
            throw new IllegalArgumentException("--cron2 '" + value + "': invalid command in cron definition");
        }
        int[] f = {-1, -1, -1, -1, -1};
        List<String> names = List.of("minute", "hour", "day", "month", "week");
        boolean unique = false;
        int harakiri = defaultHarakiri;
        String legion = null;
        for (String kv : keys.isEmpty() ? new String[0] : keys.split(",")) {
            int eq = kv.indexOf('=');
            String key = eq < 0 ? kv : kv.substring(0, eq);
            String val = eq < 0 ? "" : kv.substring(eq + 1);
            try {
                if (names.contains(key)) {
                    f[names.indexOf(key)] = Integer.parseInt(val);
                } else if (key.equals("unique")) {
                    unique = Integer.parseInt(val) != 0;
                } else if (key.equals("harakiri")) {
                    int n = Integer.parseInt(val);
                    harakiri = n > 0 ? n : -1;
                } else if (key.equals("legion")) {
                    legion = val;
                } else {
                    throw new IllegalArgumentException("--cron2 '" + value + "': unable to parse cron definition (unknown key " + key + ")");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--cron2 '" + value + "': unable to parse cron definition (" + key + "=" + val + " is no number)");
            }
        }
        return new CronTask(schedule("cron2", value, f), CronTask.Kind.COMMAND, command, unique, harakiri, legion);
    }

    private static CronSchedule schedule(String option, String value, int[] f) {
        try {
            return new CronSchedule(f[0], f[1], f[2], f[3], f[4]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + option + " '" + value + "': " + e.getMessage());
        }
    }
}
