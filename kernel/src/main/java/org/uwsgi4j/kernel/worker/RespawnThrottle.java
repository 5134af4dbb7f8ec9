package org.uwsgi4j.kernel.worker;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * uWSGI's fork-bomb guard: a worker that keeps dying right after its spawn is respawned with
 * a growing delay (2 s, then 4 s … up to 30 s) instead of in a tight loop. A worker that lived
 * for more than 5 s resets its count.
 */
final class RespawnThrottle {

    private static final long QUICK_DEATH_MS = 5_000;
    private final Map<Integer, long[]> history = new HashMap<>();
    private final Clock clock;

    RespawnThrottle(Clock clock) {
        this.clock = clock;
    }

    /** The delay before respawning worker {@code id} now (zero for a first or slow death). */
    Duration delayFor(int id) {
        long now = clock.currentTimeMillis();
        long[] h = history.computeIfAbsent(id, k -> new long[] {0, 0});
        long quick = now - h[0] < QUICK_DEATH_MS ? h[1] + 1 : 0;
        h[0] = now;
        h[1] = quick;
        if (quick < 3) {
            return Duration.ZERO;
        }
        return Duration.ofSeconds(Math.min(30, 2L << Math.min(4, quick - 3)));
    }
}
