package org.uwsgi4j.plugin.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The scheduler on a fake clock: each look gives it a time, as the cron's thread does once a second. */
class SchedulerTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private final Scheduler scheduler = new Scheduler();

    private static Instant at(int hour, int minute, int second) {
        return LocalDateTime.of(2026, 1, 7, hour, minute, second).toInstant(ZoneOffset.UTC);
    }

    private static CronTask task(int minute, String name) {
        return new CronTask(new CronSchedule(minute, -1, -1, -1, -1), CronTask.Kind.COMMAND, name, false, 0, null);
    }

    private List<String> look(Instant now) {
        return look(now, UTC);
    }

    private List<String> look(Instant now, ZoneId zone) {
        return scheduler.due(now, zone, s -> true).stream().map(s -> s.task.action()).toList();
    }

    @Test
    void aTaskRunsAtTheFirstLookInItsMinuteAndNeverTwiceInIt() {
        scheduler.add(task(-1, "every"));
        assertEquals(List.of("every"), look(at(10, 0, 30)), "due in the current minute at start, as uWSGI");
        assertEquals(List.of(), look(at(10, 0, 31)));
        assertEquals(List.of(), look(at(10, 0, 59)));
        assertEquals(List.of("every"), look(at(10, 1, 0)), "aligned to the wall-clock minute, not 60 s after the last run");
        assertEquals(List.of(), look(at(10, 1, 59)));
    }

    @Test
    void aFixedMinuteIsDueInThatMinuteOnly() {
        scheduler.add(task(5, "five"));
        for (int m = 0; m < 5; m++) {
            assertEquals(List.of(), look(at(10, m, 0)));
        }
        assertEquals(List.of("five"), look(at(10, 5, 0)));
        assertEquals(List.of(), look(at(10, 5, 1)));
        assertEquals(List.of(), look(at(10, 6, 0)));
    }

    @Test
    void aLateLookRunsWhatWasDueMeanwhileOnce() {
        scheduler.add(task(2, "two"));
        scheduler.add(task(-1, "every"));
        assertEquals(List.of("every"), look(at(10, 0, 30)));
        assertEquals(List.of("two", "every"), look(at(10, 3, 10)), "minutes 1-3 were not looked at: each task runs once");
        assertEquals(List.of(), look(at(10, 3, 20)));
    }

    @Test
    void aClockSetBackRunsNothingAgainUntilItPassesTheLastRun() {
        scheduler.add(task(-1, "every"));
        assertEquals(List.of("every"), look(at(10, 5, 0)));
        assertEquals(List.of(), look(at(10, 2, 0)), "set back three minutes");
        assertEquals(List.of(), look(at(10, 5, 30)));
        assertEquals(List.of("every"), look(at(10, 6, 0)));
    }

    @Test
    void aClockSetAheadMoreThanAnHourLooksOnlyAtTheLastHour() {
        scheduler.add(new CronTask(new CronSchedule(10, 10, -1, -1, -1), CronTask.Kind.COMMAND, "ten-past-ten", false, 0, null));
        assertEquals(List.of(), look(at(10, 0, 0)));
        assertEquals(List.of(), look(at(12, 0, 0)), "10:10 is further back than 59 minutes");
        assertEquals(List.of("ten-past-ten"), look(at(10, 10, 0).plusSeconds(86_400)), "the next day");
    }

    @Test
    void aTaskNotReadyStaysDueForTheRestOfItsMinute() {
        scheduler.add(task(-1, "unique"));
        AtomicBoolean free = new AtomicBoolean(false);
        assertEquals(0, scheduler.due(at(10, 0, 0), UTC, s -> free.get()).size(), "still running");
        free.set(true);
        assertEquals(1, scheduler.due(at(10, 0, 40), UTC, s -> free.get()).size(), "it ended within the minute: it runs now");
        assertEquals(0, scheduler.due(at(10, 0, 50), UTC, s -> free.get()).size());
    }

    @Test
    void theLocalHourThatDstSkipsMatchesNothing() {
        ZoneId berlin = ZoneId.of("Europe/Berlin"); // 2026-03-29 02:00 CET becomes 03:00 CEST
        scheduler.add(new CronTask(new CronSchedule(30, 2, -1, -1, -1), CronTask.Kind.COMMAND, "half-past-two", false, 0, null));
        Instant before = LocalDateTime.of(2026, 3, 29, 1, 59).atZone(berlin).toInstant();
        int runs = 0;
        for (int m = 0; m < 120; m++) {
            runs += look(before.plusSeconds(60L * m), berlin).size();
        }
        assertEquals(0, runs);
        assertEquals(1, look(LocalDateTime.of(2026, 3, 30, 2, 30).atZone(berlin).toInstant(), berlin).size(), "the next night");
    }

    @Test
    void aCommandRunningPastItsHarakiriIsOverdueAndHarakiriMinusOneNever() {
        Scheduler.Slot limited = scheduler.add(new CronTask(CronSchedule.EVERY_MINUTE, CronTask.Kind.COMMAND, "slow", false, 30, null));
        Scheduler.Slot unlimited = scheduler.add(new CronTask(CronSchedule.EVERY_MINUTE, CronTask.Kind.COMMAND, "slower", false, -1, null));
        assertEquals(List.of(), scheduler.overdue(at(10, 0, 0)), "nothing runs");
        limited.running = started(at(10, 0, 0));
        unlimited.running = started(at(10, 0, 0));
        assertEquals(List.of(), scheduler.overdue(at(10, 0, 30)));
        assertEquals(List.of(limited), scheduler.overdue(at(10, 0, 31)));
        assertEquals(List.of(limited), scheduler.overdue(at(11, 0, 0)), "harakiri=0 in cron2 (-1) is never killed");
    }

    private static Scheduler.Run started(Instant when) {
        return new Scheduler.Run() {
            @Override
            public Instant started() {
                return when;
            }

            @Override
            public void kill() {
            }
        };
    }

    @Test
    void nextIsTheFirstMatchingMinuteFromNow() {
        Scheduler.Slot slot = scheduler.add(task(15, "q"));
        assertEquals(at(10, 15, 0), Scheduler.next(slot, at(10, 3, 12), UTC));
        assertEquals(at(11, 15, 0), Scheduler.next(slot, at(10, 16, 0), UTC));
    }
}
