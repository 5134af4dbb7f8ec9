package org.uwsgi4j.plugin.cron;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Which tasks are due, minute by wall-clock minute (docs/plugins/cron.md, "Time"). The caller
 * asks at least once a second with the time of its {@code WallClock}; a task is due in a
 * minute its schedule matches (read in local time) and in which it has not run yet.
 *
 * <ul>
 *   <li><b>Within its minute, never twice:</b> a task remembers the minute (on the epoch's
 *       timeline, not the local one) it last ran for; a second look in the same minute finds it
 *       done.</li>
 *   <li><b>Never skipped when the caller was late:</b> the minutes since the last look (up to
 *       60) are all matched, and a task due in any of them runs once, now.</li>
 *   <li><b>Clock set back:</b> a task does not run again for a minute before the one it last
 *       ran for; it waits until the clock passes it.</li>
 *   <li><b>Clock set ahead, DST:</b> local minutes that never happened (the hour skipped in
 *       spring) match nothing; the hour repeated in autumn is matched again, as uWSGI does.</li>
 *   <li>A task the caller cannot run now ({@code ready} false: a unique task still running, a
 *       legion whose lord is elsewhere) stays due for the rest of the minute.</li>
 * </ul>
 *
 * Thread-safe; tested with a fake clock.
 */
final class Scheduler {

    /** A task and what the scheduler remembers of it (read by the shell). */
    static final class Slot {
        final CronTask task;
        /** The epoch minute it last ran for; Long.MIN_VALUE: never. */
        volatile long lastMinute = Long.MIN_VALUE;
        /** Its run in progress, or null. */
        volatile Run running;
        /** What its last run did (for uwsgi:cron): e.g. "exited with 0 after 1 second(s)". */
        volatile String lastResult = "";
        volatile Instant lastStart;

        Slot(CronTask task) {
            this.task = task;
        }
    }

    /** A run in progress: a process or a request, which the runner can kill or forget. */
    interface Run {
        /** When it started, on the wall clock. */
        Instant started();

        /** Ends it at once (harakiri). */
        void kill();
    }

    private final List<Slot> slots = new CopyOnWriteArrayList<>();
    private long lastLook = Long.MIN_VALUE;

    /** Adds {@code task}; an identical signal task (an app adding its crons again after a reload) is not added twice. */
    synchronized Slot add(CronTask task) {
        if (task.kind() == CronTask.Kind.SIGNAL) {
            for (Slot s : slots) {
                if (s.task.equals(task)) {
                    return s;
                }
            }
        }
        Slot slot = new Slot(task);
        slots.add(slot);
        return slot;
    }

    List<Slot> slots() {
        return slots;
    }

    /**
     * The tasks due at {@code now} in {@code zone} for which {@code ready} holds; each is marked
     * as run for the latest minute it matched.
     */
    synchronized List<Slot> due(Instant now, ZoneId zone, Predicate<Slot> ready) {
        long minute = Math.floorDiv(now.getEpochSecond(), 60);
        long from = lastLook == Long.MIN_VALUE ? minute : Math.max(minute - 59, Math.min(lastLook + 1, minute));
        lastLook = Math.max(lastLook, minute);
        List<Slot> due = new ArrayList<>();
        for (Slot s : slots) {
            for (long k = minute; k >= from; k--) {
                if (k <= s.lastMinute) {
                    break;
                }
                if (s.task.schedule().matches(LocalDateTime.ofInstant(Instant.ofEpochSecond(k * 60), zone))) {
                    if (ready.test(s)) {
                        s.lastMinute = k;
                        due.add(s);
                    }
                    break;
                }
            }
        }
        return due;
    }

    /**
     * The tasks whose run is past their harakiri at {@code now} (a command started more than
     * {@code harakiri} seconds ago); the caller kills them.
     */
    List<Slot> overdue(Instant now) {
        List<Slot> overdue = new ArrayList<>();
        for (Slot s : slots) {
            Run r = s.running;
            int limit = s.task.harakiri();
            if (r != null && limit > 0 && s.task.kind() == CronTask.Kind.COMMAND && now.isAfter(r.started().plusSeconds(limit))) {
                overdue.add(s);
            }
        }
        return overdue;
    }

    /** The next minute at or after {@code now} in which {@code slot}'s schedule matches (within a year), or null. */
    static Instant next(Slot slot, Instant now, ZoneId zone) {
        long minute = Math.floorDiv(now.getEpochSecond(), 60);
        for (long k = Math.max(minute, slot.lastMinute + 1), end = minute + 366L * 24 * 60; k < end; k++) {
            if (slot.task.schedule().matches(LocalDateTime.ofInstant(Instant.ofEpochSecond(k * 60), zone))) {
                return Instant.ofEpochSecond(k * 60);
            }
        }
        return null;
    }
}
