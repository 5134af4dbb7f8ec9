package org.uwsgi4j.kernel.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What one attached daemon is, from any of uWSGI's forms (core/daemons.c):
 *
 * <pre>
 *   --attach-daemon COMMAND                      plain: respawned when it dies, stopped with the server
 *   --attach-control-daemon COMMAND              plain, and its death stops the server
 *   --smart-attach-daemon PIDFILE[,FREQ] COMMAND the command daemonizes itself and writes PIDFILE
 *   --smart-attach-daemon2 PIDFILE[,FREQ] COMMAND the command stays in the foreground; the master writes PIDFILE
 *   --attach-daemon2 KEY=VALUE[,KEY=VALUE…]      every setting by name (uWSGI's keyval list, {@code \,} escapes)
 * </pre>
 *
 * @param command      the shell command ({@code /bin/sh -c})
 * @param pidfile      the smart forms' pidfile
 * @param freq         seconds a smart daemon's pidfile may take to name a running pid after the command's start
 * @param daemonize    the master writes the command's pid to {@code pidfile} (the command must not daemonize)
 * @param control      the daemon's death stops the server gracefully
 * @param touch        files whose new modification time sends {@code stopSignal} to the daemon
 * @param stopSignal   the signal that stops it (at the server's stop, at a touch)
 * @param reloadSignal the signal it gets at each reload of the server (0: none; a smart daemon with
 *                     {@code notifypid} gets SIGHUP by default)
 * @param notifyPid    a smart daemon gets {@code stopSignal} at the stop and the reload signal at a reload
 * @param stdin        the daemon reads the server's stdin (else /dev/null)
 * @param uid          the user it runs as (else the server's)
 * @param gid          the group it runs as (else the server's)
 * @param chdir        its working directory (else the server's)
 * @param maxThrottle  the longest throttling pause in seconds after quick deaths (uWSGI's cap: 300)
 */
record DaemonSpec(String command, Optional<Path> pidfile, int freq, boolean daemonize, boolean control, List<Path> touch,
        int stopSignal, int reloadSignal, boolean notifyPid, boolean stdin, OptionalInt uid, OptionalInt gid,
        Optional<Path> chdir, int maxThrottle) {

    static final int SIGHUP = 1;
    static final int SIGTERM = 15;
    private static final int FREQ = 10;
    private static final int THROTTLE_CAP = 300;

    /** {@code --attach-daemon COMMAND}, or {@code --attach-control-daemon COMMAND} when {@code control}. */
    static DaemonSpec plain(String command, boolean control) {
        return new DaemonSpec(command.strip(), Optional.empty(), FREQ, false, control, List.of(), SIGTERM, 0, false, false,
                OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), THROTTLE_CAP);
    }

    /**
     * {@code --smart-attach-daemon PIDFILE[,FREQ] COMMAND}; {@code daemonize} for
     * {@code --smart-attach-daemon2} (the master writes the pidfile).
     *
     * @throws IllegalArgumentException no command, or a bad FREQ
     */
    static DaemonSpec smart(String option, String value, boolean daemonize) {
        String v = value.strip();
        int space = v.indexOf(' ');
        if (space < 0) {
            throw new IllegalArgumentException("invalid " + option + " syntax: " + value + " (expected PIDFILE COMMAND)");
        }
        String pidfile = v.substring(0, space);
        int freq = FREQ;
        int comma = pidfile.indexOf(',');
        if (comma >= 0) {
            freq = positive(option + " '" + value + "': ", "freq", pidfile.substring(comma + 1));
            pidfile = pidfile.substring(0, comma);
        }
        return new DaemonSpec(v.substring(space + 1).strip(), Optional.of(Path.of(pidfile)), freq, daemonize, false, List.of(),
                SIGTERM, 0, false, false, OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), THROTTLE_CAP);
    }

    /** The keys {@code --attach-daemon2} knows, uWSGI's aliases included. */
    private static final List<String> KEYS = List.of("command", "cmd", "exec", "freq", "pidfile", "control", "daemonize", "daemon",
            "touch", "stopsignal", "stop_signal", "reloadsignal", "reload_signal", "stdin", "uid", "gid", "chdir", "max_throttle",
            "notifypid");

    /**
     * {@code --attach-daemon2 KEY=VALUE,…}: uWSGI's keys; {@code ns_pid} (a new pid namespace) and
     * any key uWSGI does not know are refused. A flag key ({@code control}, {@code daemonize},
     * {@code stdin}, {@code notifypid}) is on whatever its value, as in uWSGI.
     *
     * @throws IllegalArgumentException one line saying what is wrong
     */
    static DaemonSpec keyval(String value) {
        Map<String, String> kv = parse(value);
        String bad = "--attach-daemon2 '" + value + "': ";
        for (String key : kv.keySet()) {
            if (key.equals("ns_pid")) {
                throw new IllegalArgumentException(bad + "ns_pid (a new pid namespace) is not supported");
            }
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(bad + "unknown key '" + key + "' (known: " + String.join(", ", KEYS) + ")");
            }
        }
        String command = first(kv, "command", "cmd", "exec");
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException(bad + "you need to specify a 'command' key");
        }
        String pidfile = kv.get("pidfile");
        boolean daemonize = kv.containsKey("daemonize") || kv.containsKey("daemon");
        if (daemonize && pidfile == null) {
            throw new IllegalArgumentException(bad + "daemonize needs a pidfile key (the master writes the daemon's pid there)");
        }
        List<Path> touch = new ArrayList<>();
        if (kv.containsKey("touch")) {
            for (String f : kv.get("touch").split(";")) {
                if (!f.isBlank()) {
                    touch.add(Path.of(f.strip()));
                }
            }
        }
        String reload = first(kv, "reloadsignal", "reload_signal");
        String stop = first(kv, "stopsignal", "stop_signal");
        return new DaemonSpec(command.strip(), Optional.ofNullable(pidfile).map(Path::of),
                kv.containsKey("freq") ? positive(bad, "freq", kv.get("freq")) : FREQ, daemonize, kv.containsKey("control"),
                List.copyOf(touch), stop == null ? SIGTERM : signal(bad, "stopsignal", stop),
                reload == null ? 0 : signal(bad, "reloadsignal", reload), kv.containsKey("notifypid"), kv.containsKey("stdin"),
                id(bad, "uid", kv.get("uid")), id(bad, "gid", kv.get("gid")), Optional.ofNullable(kv.get("chdir")).map(Path::of),
                kv.containsKey("max_throttle") ? positive(bad, "max_throttle", kv.get("max_throttle")) : THROTTLE_CAP);
    }

    /** This daemon reading the server's stdin ({@code --daemons-honour-stdin}). */
    DaemonSpec withStdin() {
        return new DaemonSpec(command, pidfile, freq, daemonize, control, touch, stopSignal, reloadSignal, notifyPid, true, uid, gid,
                chdir, maxThrottle);
    }

    /** True for the smart forms: the daemon is followed through its pidfile and left running at the stop. */
    boolean smart() {
        return pidfile.isPresent();
    }

    /**
     * uWSGI's keyval list: items split at unescaped commas, each at its first unescaped
     * {@code =}; a backslash escapes the next character. An item without {@code =} is refused
     * (uWSGI skips it).
     */
    static Map<String, String> parse(String value) {
        Map<String, String> kv = new LinkedHashMap<>();
        StringBuilder key = new StringBuilder();
        StringBuilder val = null;
        boolean escaped = false;
        for (int i = 0; i <= value.length(); i++) {
            char c = i < value.length() ? value.charAt(i) : ',';
            boolean end = i == value.length();
            if (escaped && !end) {
                (val == null ? key : val).append(c);
                escaped = false;
            } else if (c == '\\' && !end) {
                escaped = true;
            } else if (c == ',') {
                if (val == null) {
                    if (!key.isEmpty()) {
                        throw new IllegalArgumentException("--attach-daemon2 '" + value + "': invalid keyval syntax at '" + key + "' (expected KEY=VALUE)");
                    }
                } else {
                    kv.put(key.toString().strip(), val.toString());
                }
                key.setLength(0);
                val = null;
            } else if (c == '=' && val == null) {
                val = new StringBuilder();
            } else {
                (val == null ? key : val).append(c);
            }
        }
        return kv;
    }

    private static String first(Map<String, String> kv, String... keys) {
        for (String k : keys) {
            if (kv.containsKey(k)) {
                return kv.get(k);
            }
        }
        return null;
    }

    private static int positive(String where, String key, String text) {
        try {
            int n = Integer.parseInt(text.strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(where + key + " must be a number > 0, not '" + text + "'");
    }

    private static int signal(String where, String key, String text) {
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 1 && n <= 64) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(where + key + " must be a signal number (1-64), not '" + text + "'");
    }

    private static OptionalInt id(String where, String key, String text) {
        if (text == null) {
            return OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 0) {
                return n == 0 ? OptionalInt.empty() : OptionalInt.of(n); // uWSGI: 0 leaves the server's
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(where + key + " must be a numeric id, not '" + text + "'");
    }
}
