package org.uwsgi4j.plugin.alarm;

import java.util.ArrayList;
import java.util.List;

/**
 * Which alarms a log line raises, as uWSGI's {@code uwsgi_alarm_log_check}: the rules are tried
 * in the options' order; a {@code --log-alarm} rule that matches adds its alarms, a
 * {@code --not-log-alarm} rule that matches ends the check (the rules after it are not tried:
 * put the exceptions first). A line that starts with {@code [uwsgi-alarm} (the plugin's own
 * lines) raises nothing. "Matches" is a regexp {@code find} anywhere in the line.
 */
final class LogRules {

    static final String OWN_PREFIX = "[uwsgi-alarm";

    private final List<AlarmDefinitions.LogRule> rules;

    LogRules(List<AlarmDefinitions.LogRule> rules) {
        this.rules = List.copyOf(rules);
    }

    boolean isEmpty() {
        return rules.isEmpty();
    }

    List<AlarmDefinitions.LogRule> rules() {
        return rules;
    }

    /** The alarm names {@code line} raises, in rule order (an alarm named twice is raised twice, as in uWSGI). */
    List<String> alarmsFor(String line) {
        if (line.startsWith(OWN_PREFIX)) {
            return List.of();
        }
        List<String> raised = null;
        for (AlarmDefinitions.LogRule r : rules) {
            if (!r.pattern().matcher(line).find()) {
                continue;
            }
            if (r.negate()) {
                break;
            }
            if (raised == null) {
                raised = new ArrayList<>(2);
            }
            raised.addAll(r.alarms());
        }
        return raised == null ? List.of() : raised;
    }
}
