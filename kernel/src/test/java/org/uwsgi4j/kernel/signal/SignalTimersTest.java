package org.uwsgi4j.kernel.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The timers' decision ({@link SignalTimers#fireDue}) on a fake monotonic clock. */
class SignalTimersTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<Integer> raised = new ArrayList<>();
    private final SignalTimers timers = new SignalTimers(nanos::get, raised::add);

    @AfterEach
    void close() {
        timers.close();
    }

    private long at(double seconds) {
        nanos.set(1_000_000_000L + (long) (seconds * 1e9));
        return timers.fireDue();
    }

    @Test
    void aTimerFiresEveryPeriodWithoutDrift() {
        timers.add(7, 2, 0);
        assertEquals(TimeUnit.MILLISECONDS.toNanos(100), at(1.9));
        assertEquals(List.of(), raised);
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1700), at(2.3), "a tick seen 0.3 s late: the next is still at 4 s");
        assertEquals(List.of(7), raised);
        at(4.0);
        at(6.05);
        assertEquals(List.of(7, 7, 7), raised);
    }

    @Test
    void aLateLookRaisesOnceAndGoesOnAtTheNextTickAhead() {
        timers.add(3, 1, 0);
        assertEquals(TimeUnit.MILLISECONDS.toNanos(500), at(5.5), "ticks 1-5 missed: raised once, next at 6");
        assertEquals(List.of(3), raised);
    }

    @Test
    void anRbTimerStopsAfterItsIterationsAndTheSameTimerIsAddedOnce() {
        timers.add(9, 1, 2);
        timers.add(9, 1, 2);
        at(1);
        at(2);
        assertEquals(Long.MAX_VALUE, at(3), "no timer left");
        assertEquals(List.of(9, 9), raised);
    }
}
