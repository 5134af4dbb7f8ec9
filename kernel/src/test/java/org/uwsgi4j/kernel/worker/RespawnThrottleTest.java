package org.uwsgi4j.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** uWSGI's fork-bomb guard, on a fake clock. */
class RespawnThrottleTest {

    private final MasterRig.FakeClock clock = new MasterRig.FakeClock();
    private final RespawnThrottle throttle = new RespawnThrottle(clock);

    @Test
    void threeQuickDeathsAreFreeThenTheDelayDoublesUpTo30Seconds() {
        List<Long> delays = new ArrayList<>();
        for (int death = 0; death < 9; death++) {
            delays.add(throttle.delayFor(1).toSeconds());
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(List.of(0L, 0L, 0L, 2L, 4L, 8L, 16L, 30L, 30L), delays);
    }

    @Test
    void aWorkerThatLivedFiveSecondsStartsAfresh() {
        for (int death = 0; death < 4; death++) {
            throttle.delayFor(1);
        }
        assertEquals(Duration.ofSeconds(4), throttle.delayFor(1));
        clock.advance(Duration.ofSeconds(5));
        assertEquals(Duration.ZERO, throttle.delayFor(1));
    }

    @Test
    void eachWorkerHasItsOwnCount() {
        for (int death = 0; death < 4; death++) {
            throttle.delayFor(1);
        }
        assertEquals(Duration.ZERO, throttle.delayFor(2));
    }
}
