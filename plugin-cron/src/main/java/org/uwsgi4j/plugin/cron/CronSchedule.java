package org.uwsgi4j.plugin.cron;

import java.time.LocalDateTime;

/**
 * When a cron task is due: uWSGI's five fields (core/master_utils.c,
 * {@code uwsgi_cron_task_needs_execution}), matched against a local minute.
 *
 * <ul>
 *   <li>A number N &ge; 0 matches that value: minute 0-59, hour 0-23, day 1-31, month 1-12,
 *       weekday 0-7 (0 and 7 are Sunday).</li>
 *   <li>{@code -1} matches any value; {@code -N} matches the values divisible by N ("every N":
 *       minutes 0, 15, 30, 45 for {@code -15}; days 2, 4, … for {@code -2}, as uWSGI counts).</li>
 *   <li>When both day and weekday are numbers, either may match (crontab's rule); else all
 *       five must.</li>
 * </ul>
 */
record CronSchedule(int minute, int hour, int day, int month, int week) {

    /** The schedule of five fields; a number out of its field's range is refused. */
    CronSchedule {
        check("minute", minute, 0, 59);
        check("hour", hour, 0, 23);
        check("day", day, 1, 31);
        check("month", month, 1, 12);
        check("weekday", week, 0, 7);
    }

    /** Every minute. */
    static final CronSchedule EVERY_MINUTE = new CronSchedule(-1, -1, -1, -1, -1);

    private static void check(String field, int value, int min, int max) {
        if (value >= 0 && (value < min || value > max)) {
            throw new IllegalArgumentException(field + " " + value + " out of range (" + min + "-" + max + ", or -N)");
        }
    }

    /** True when a task of this schedule is due in the minute of {@code t} (local time). */
    boolean matches(LocalDateTime t) {
        int wday = t.getDayOfWeek().getValue() % 7; // Sunday 0, as tm_wday
        boolean min = field(minute, t.getMinute());
        boolean hr = field(hour, t.getHour());
        boolean mon = field(month, t.getMonthValue());
        boolean mday = field(day, t.getDayOfMonth());
        boolean wd = field(week == 7 ? 0 : week, wday);
        if (day >= 0 && week >= 0) {
            return min && hr && mon && (mday || wd);
        }
        return min && hr && mon && mday && wd;
    }

    private static boolean field(int spec, int value) {
        return spec < 0 ? value % -spec == 0 : spec == value;
    }

    @Override
    public String toString() {
        return minute + " " + hour + " " + day + " " + month + " " + week;
    }
}
