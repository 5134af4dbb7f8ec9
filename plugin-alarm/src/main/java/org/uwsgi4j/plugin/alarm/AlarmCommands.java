package org.uwsgi4j.plugin.alarm;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The Gogo command {@code uwsgi:alarms}: every alarm (its action, how many times it was raised,
 * suppressed by the anti-flood rule, dropped because its action was too slow, failed; its last
 * raise, local time, and message), then every trigger.
 */
@Component(service = AlarmCommands.class, property = {"osgi.command.scope=uwsgi", "osgi.command.function=alarms"})
public final class AlarmCommands {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private final AlarmService alarms;

    @Activate
    public AlarmCommands(@Reference AlarmService alarms) {
        this.alarms = alarms;
    }

    public String alarms() {
        StringBuilder out = new StringBuilder(String.format("%-12s %6s %10s %7s %6s  %-19s  %s%n",
                "NAME", "RAISED", "SUPPRESSED", "DROPPED", "FAILED", "LAST", "ACTION | LAST MESSAGE"));
        for (Alarm.Status s : alarms.statuses()) {
            String last = s.lastRaise() == null ? "-" : TIME.format(LocalDateTime.ofInstant(s.lastRaise(), ZoneId.systemDefault()));
            String message = s.lastMessage().length() > 80 ? s.lastMessage().substring(0, 77) + "..." : s.lastMessage();
            out.append(String.format("%-12s %6d %10d %7d %6d  %-19s  %s%s | %s%n", s.name(), s.raised(), s.suppressed(), s.dropped(),
                    s.failed(), last, s.action(), s.ready() ? "" : " (type gone)", message.replace('\n', ' ')));
            if (!s.lastFailure().isEmpty()) {
                out.append("    last failure: ").append(s.lastFailure()).append('\n');
            }
        }
        out.append("triggers:\n");
        for (String t : alarms.triggers()) {
            out.append("  ").append(t).append('\n');
        }
        return out.toString().stripTrailing();
    }
}
