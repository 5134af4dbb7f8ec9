package org.uwsgi4j.plugin.alarm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.uwsgi4j.kernel.api.Options;

/**
 * The alarms and triggers the options define, parsed once, in uWSGI's syntax (core/alarm.c):
 *
 * <pre>
 *  --alarm          "NAME TYPE:ARGS"                 an alarm: its name and its action
 *  --log-alarm      "NAME[,NAME…] REGEXP"            raise those alarms when a log line matches
 *  --not-log-alarm  "NAME[,NAME…] REGEXP"            a matching line stops the rules after it
 *  --alarm-fd       "NAME FD[:BYTES] MESSAGE"        raise NAME with MESSAGE when FD is readable
 *  --alarm-backlog NAME, --alarm-segfault NAME       raise NAME on a full listen queue, a crash
 * </pre>
 *
 * A bad value is an {@link IllegalArgumentException} whose message is the one line the user
 * reads: uWSGI's words ({@code invalid alarm syntax: …}) and what is wrong.
 */
final class AlarmDefinitions {

    /** One {@code --alarm}: name, action type, its arguments (all after the first colon). */
    record Definition(String name, String type, String args) {
        /** As the user wrote it: {@code NAME TYPE:ARGS}. */
        String text() {
            return name + " " + type + ":" + args;
        }
    }

    /** One {@code --log-alarm} or {@code --not-log-alarm}, in the options' order. */
    record LogRule(List<String> alarms, Pattern pattern, boolean negate) {
        String describe() {
            return (negate ? "--not-log-alarm " : "--log-alarm ") + String.join(",", alarms) + " " + pattern.pattern();
        }
    }

    /** One {@code --alarm-fd}: raise {@code alarm} with {@code message} once {@code bytes} were read from {@code fd}. */
    record FdTrigger(String alarm, int fd, int bytes, String message) {
    }

    private AlarmDefinitions() {
    }

    /** Every {@code --alarm}, in order; a second alarm of the same name is refused. */
    static List<Definition> alarms(Options options) {
        List<Definition> defs = new ArrayList<>();
        for (String value : options.values("alarm")) {
            Definition d = alarm(value);
            if (defs.stream().anyMatch(o -> o.name().equals(d.name()))) {
                throw new IllegalArgumentException("invalid alarm: " + value + " (an alarm named \"" + d.name() + "\" exists already)");
            }
            defs.add(d);
        }
        return defs;
    }

    /** {@code NAME TYPE:ARGS}. */
    static Definition alarm(String value) {
        String v = value.strip();
        int space = v.indexOf(' ');
        int colon = space < 0 ? -1 : v.indexOf(':', space + 1);
        if (space <= 0 || colon < 0) {
            throw new IllegalArgumentException("invalid alarm syntax: " + value + " (expected NAME TYPE:ARGS)");
        }
        String type = v.substring(space + 1, colon).strip();
        if (type.isEmpty() || type.contains(" ")) {
            throw new IllegalArgumentException("invalid alarm syntax: " + value + " (expected NAME TYPE:ARGS)");
        }
        return new Definition(v.substring(0, space), type, v.substring(colon + 1));
    }

    /** The {@code --log-alarm} and {@code --not-log-alarm} rules in the options' order; every name must be an alarm. */
    static List<LogRule> logRules(Options options, Set<String> alarms) {
        List<LogRule> rules = new ArrayList<>();
        for (Map.Entry<String, String> e : options.entries()) {
            boolean negate = e.getKey().equals("not-log-alarm");
            if (negate || e.getKey().equals("log-alarm")) {
                rules.add(logRule(e.getKey(), e.getValue(), negate, alarms));
            }
        }
        return rules;
    }

    /** {@code NAME[,NAME…] REGEXP} (the regexp is everything after the first space, Java's syntax, close to PCRE's). */
    static LogRule logRule(String option, String value, boolean negate, Set<String> alarms) {
        String v = value == null ? "" : value.strip();
        int space = v.indexOf(' ');
        if (space <= 0 || v.substring(space + 1).isBlank()) {
            throw new IllegalArgumentException("invalid " + option + " syntax: " + value + " (expected NAME[,NAME...] REGEXP)");
        }
        List<String> names = Arrays.stream(v.substring(0, space).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (String n : names) {
            if (!alarms.contains(n)) {
                throw new IllegalArgumentException("invalid " + option + ": " + value + " (no alarm named \"" + n + "\")");
            }
        }
        String regexp = v.substring(space + 1).strip();
        try {
            return new LogRule(names, Pattern.compile(regexp), negate);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid " + option + ": " + value + " (regexp: " + e.getDescription()
                    + " at index " + e.getIndex() + ")");
        }
    }

    /** Every {@code --alarm-fd}; every name must be an alarm. */
    static List<FdTrigger> fds(Options options, Set<String> alarms) {
        List<FdTrigger> fds = new ArrayList<>();
        for (String value : options.values("alarm-fd")) {
            fds.add(fd(value, alarms));
        }
        return fds;
    }

    /** {@code NAME FD[:BYTES] MESSAGE}: BYTES defaults to 1 (8 for an eventfd). */
    static FdTrigger fd(String value, Set<String> alarms) {
        String v = value.strip();
        String[] parts = v.split(" ", 3);
        if (parts.length < 3 || parts[2].isBlank()) {
            throw new IllegalArgumentException("invalid alarm-fd syntax: " + value + " (expected NAME FD[:BYTES] MESSAGE)");
        }
        if (!alarms.contains(parts[0])) {
            throw new IllegalArgumentException("unable to find alarm \"" + parts[0] + "\" (--alarm-fd " + value + ")");
        }
        String fdText = parts[1];
        int bytes = 1;
        int colon = fdText.indexOf(':');
        try {
            if (colon >= 0) {
                bytes = Integer.parseInt(fdText.substring(colon + 1));
                fdText = fdText.substring(0, colon);
            }
            int fd = Integer.parseInt(fdText);
            if (fd < 0 || bytes < 0 || bytes > 65536) {
                throw new NumberFormatException();
            }
            return new FdTrigger(parts[0], fd, Math.max(1, bytes), parts[2]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid alarm-fd syntax: " + value + " (FD and BYTES are numbers: FD[:BYTES])");
        }
    }

    /** The values of {@code option} ({@code alarm-backlog}, {@code alarm-segfault}): alarm names, each must exist. */
    static List<String> names(Options options, String option, Set<String> alarms) {
        List<String> names = new ArrayList<>();
        for (String value : options.values(option)) {
            String n = value.strip();
            if (!alarms.contains(n)) {
                throw new IllegalArgumentException("unable to find alarm \"" + n + "\" (--" + option + ")");
            }
            if (!names.contains(n)) {
                names.add(n);
            }
        }
        return names;
    }
}
