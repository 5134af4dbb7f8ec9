package org.uwsgi4j.plugin.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

    /** Wednesday 2026-01-07 10:30. */
    private static final LocalDateTime WED = LocalDateTime.of(2026, 1, 7, 10, 30);

    @Test
    void minusOneMatchesAnything() {
        assertTrue(CronSchedule.EVERY_MINUTE.matches(WED));
        assertTrue(CronSchedule.EVERY_MINUTE.matches(WED.plusMinutes(17)));
    }

    @Test
    void plainNumbersMatchTheirValueOnly() {
        assertTrue(new CronSchedule(30, 10, 7, 1, -1).matches(WED));
        assertFalse(new CronSchedule(31, 10, 7, 1, -1).matches(WED));
        assertFalse(new CronSchedule(30, 11, -1, -1, -1).matches(WED));
        assertFalse(new CronSchedule(-1, -1, -1, 2, -1).matches(WED));
    }

    @Test
    void minusNMatchesEveryNUnitsAsUwsgiCountsThem() {
        CronSchedule quarter = new CronSchedule(-15, -1, -1, -1, -1);
        assertTrue(quarter.matches(WED.withMinute(0)));
        assertTrue(quarter.matches(WED.withMinute(45)));
        assertFalse(quarter.matches(WED.withMinute(20)));
        CronSchedule everyOtherDay = new CronSchedule(0, 0, -2, -1, -1);
        assertTrue(everyOtherDay.matches(LocalDateTime.of(2026, 1, 8, 0, 0)));
        assertFalse(everyOtherDay.matches(LocalDateTime.of(2026, 1, 7, 0, 0)));
        assertTrue(new CronSchedule(-1, -5, -1, -1, -1).matches(WED.withHour(10)));
        assertFalse(new CronSchedule(-1, -5, -1, -1, -1).matches(WED.withHour(11)));
    }

    @Test
    void weekdaysCountFromSundayAndSevenIsSundayToo() {
        LocalDateTime sunday = LocalDateTime.of(2026, 1, 11, 10, 30);
        assertTrue(new CronSchedule(-1, -1, -1, -1, 0).matches(sunday));
        assertTrue(new CronSchedule(-1, -1, -1, -1, 7).matches(sunday));
        assertTrue(new CronSchedule(-1, -1, -1, -1, 3).matches(WED));
        assertFalse(new CronSchedule(-1, -1, -1, -1, 1).matches(WED));
    }

    @Test
    void dayAndWeekdayBothGivenAreOred() {
        assertTrue(new CronSchedule(30, 10, 1, -1, 3).matches(WED), "Wednesday, though not the 1st");
        assertTrue(new CronSchedule(30, 10, 7, -1, 5).matches(WED), "the 7th, though not a Friday");
        assertFalse(new CronSchedule(30, 10, 1, -1, 5).matches(WED));
    }

    @Test
    void numbersOutOfTheirRangeAreRefused() {
        assertEquals("minute 61 out of range (0-59, or -N)",
                assertThrows(IllegalArgumentException.class, () -> new CronSchedule(61, -1, -1, -1, -1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CronSchedule(-1, 24, -1, -1, -1));
        assertThrows(IllegalArgumentException.class, () -> new CronSchedule(-1, -1, 0, -1, -1));
        assertThrows(IllegalArgumentException.class, () -> new CronSchedule(-1, -1, -1, 13, -1));
        assertThrows(IllegalArgumentException.class, () -> new CronSchedule(-1, -1, -1, -1, 8));
    }
}
