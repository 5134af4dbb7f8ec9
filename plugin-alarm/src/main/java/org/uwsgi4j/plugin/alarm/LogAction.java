package org.uwsgi4j.plugin.alarm;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.uwsgi4j.kernel.api.Strftime;
import org.uwsgi4j.kernel.api.UnwatchedLog;
import org.uwsgi4j.plugin.alarm.api.AlarmAction;

/**
 * {@code log:[TEXT]}: the message in the server log, dated as uWSGI's {@code uwsgi_log_verbose}
 * dates it: {@code Sun Dec  6 19:34:06 2026 - ALARM: TEXT MESSAGE}. Written to the unwatched
 * log: the line never raises an alarm again (uWSGI's raises itself for ever when the regexp
 * matches it).
 */
@Component(property = AlarmAction.TYPE + "=log")
public final class LogAction implements AlarmAction {

    private final UnwatchedLog log;

    @Activate
    public LogAction(@Reference UnwatchedLog log) {
        this.log = log;
    }

    @Override
    public Raise prepare(String name, String args) {
        String prefix = args.isEmpty() ? "ALARM: " : "ALARM: " + args + " ";
        return message -> {
            String m = message.endsWith("\n") ? message.substring(0, message.length() - 1) : message;
            log.server(Strftime.ctime(System.currentTimeMillis() / 1000) + " - " + prefix + m);
        };
    }
}
