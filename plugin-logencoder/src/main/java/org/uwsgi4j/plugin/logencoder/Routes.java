package org.uwsgi4j.plugin.logencoder;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.uwsgi4j.kernel.api.LogLine;

/**
 * {@code --log-route NAME REGEX} (or {@code --log-req-route}) for one group of loggers, as uWSGI's
 * log master applies them: a line that some route's regex finds (anywhere in the line) goes to
 * the named loggers of those routes only; any other line goes to the unnamed loggers, or to the
 * default output when there are none. The regexes run once per line, on the raw line before
 * encoding; every logger of the group asks for the same line in turn, so the last answer is kept.
 */
final class Routes {

    /** One route. */
    record Route(String logger, Pattern pattern) {
    }

    private final List<Route> routes;
    private LogLine last;
    private Set<String> lastTargets = Set.of();

    Routes(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    /**
     * Parses {@code NAME REGEX}.
     *
     * @throws IllegalArgumentException naming the option, for a missing regex or a bad one
     */
    static Route parse(String option, String value) {
        int space = value.indexOf(' ');
        if (space <= 0 || space + 1 == value.length()) {
            throw new IllegalArgumentException("--" + option + " '" + value + "': expected NAME REGEX");
        }
        try {
            return new Route(value.substring(0, space), Pattern.compile(value.substring(space + 1)));
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new IllegalArgumentException("--" + option + " '" + value + "': bad regex: " + e.getDescription());
        }
    }

    /** The names of the loggers {@code line} is routed to (empty: not routed). */
    synchronized Set<String> targets(LogLine line) {
        if (line != last) {
            Set<String> to = new HashSet<>();
            for (Route r : routes) {
                if (r.pattern().matcher(line.text()).find()) {
                    to.add(r.logger());
                }
            }
            last = line;
            lastTargets = to;
        }
        return lastTargets;
    }

    boolean isEmpty() {
        return routes.isEmpty();
    }

    List<Route> all() {
        return routes;
    }
}
