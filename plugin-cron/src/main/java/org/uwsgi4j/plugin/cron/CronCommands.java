package org.uwsgi4j.plugin.cron;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.uwsgi4j.kernel.api.WallClock;

/**
 * The Gogo command {@code uwsgi:cron}: every task (schedule, what it does), its next run on
 * the cron's clock (local time), whether it runs now, and its last result.
 */
@Component(service = CronCommands.class, property = {"osgi.command.scope=uwsgi", "osgi.command.function=cron"})
public final class CronCommands {

    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private final CronService cron;

    @Activate
    public CronCommands(@Reference CronService cron) {
        this.cron = cron;
    }

    public String cron() {
        WallClock clock = cron.clock();
        Instant now = clock.now();
        ZoneId zone = clock.zone();
        StringBuilder out = new StringBuilder("now " + MINUTE.format(LocalDateTime.ofInstant(now, zone)) + "\n");
        for (Scheduler.Slot s : cron.slots()) {
            Instant next = Scheduler.next(s, now.plusSeconds(60 - Math.floorMod(now.getEpochSecond(), 60)), zone);
            out.append(s.task.describe())
                    .append(" | next ").append(next == null ? "never" : MINUTE.format(LocalDateTime.ofInstant(next, zone)))
                    .append(" | ").append(s.running != null ? "running" : s.lastResult.isEmpty() ? "-" : s.lastResult)
                    .append('\n');
        }
        return out.toString().stripTrailing();
    }
}
