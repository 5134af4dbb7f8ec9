package org.uwsgi4j.kernel.api;

import java.time.Instant;
import java.time.ZoneId;

/**
 * The wall clock that schedules run by (plugin-cron's tasks, {@code uwsgi.add_cron}): what time
 * it is, in which zone, and a way to wait for a time.
 *
 * <p>The kernel registers the system's clock; a bundle may register another with a higher
 * {@code service.ranking} (a test that must not wait a real minute does), and whoever uses the
 * clock takes the highest-ranked one (a greedy reference).
 */
public interface WallClock {

    /** Now. */
    Instant now();

    /** The zone the schedules' fields are read in (the system's default zone). */
    ZoneId zone();

    /**
     * Waits until {@code deadline}, or less: the caller looks at {@link #now} again and loops.
     * The system clock waits at most a second at a time, so a jump of the wall clock (NTP, a
     * suspended machine) is seen within a second.
     */
    void sleepUntil(Instant deadline) throws InterruptedException;
}
