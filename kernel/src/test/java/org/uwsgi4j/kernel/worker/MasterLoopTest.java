package org.uwsgi4j.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The master's events and timers, on a fake clock, turned by the test. */
class MasterLoopTest {

    private final MasterRig.FakeClock clock = new MasterRig.FakeClock();
    private final MasterLoop master = new MasterLoop(null, code -> { }, clock, new MasterRig.FakeProcesses());
    private final List<String> ran = new ArrayList<>();

    @AfterEach
    void close() {
        master.close();
    }

    @Test
    void eventsRunInTheOrderTheyWerePosted() throws InterruptedException {
        master.post(() -> ran.add("a"));
        master.post(() -> ran.add("b"));
        master.turn(0);
        assertEquals(List.of("a", "b"), ran);
    }

    @Test
    void aDelayedEventRunsOnTheFirstTurnAfterItsTime() throws InterruptedException {
        master.postLater(() -> ran.add("later"), Duration.ofSeconds(2));
        master.postLater(() -> ran.add("sooner"), Duration.ofSeconds(1));
        master.turn(0);
        clock.advance(Duration.ofMillis(999));
        master.turn(0);
        assertEquals(List.of(), ran);
        clock.advance(Duration.ofMillis(1));
        master.turn(0);
        assertEquals(List.of("sooner"), ran);
        clock.advance(Duration.ofSeconds(5));
        master.turn(0);
        master.turn(0);
        assertEquals(List.of("sooner", "later"), ran);
    }

    @Test
    void aFailingEventDoesNotStopTheOthers() throws InterruptedException {
        master.post(() -> {
            throw new IllegalStateException("boom");
        });
        master.post(() -> ran.add("after"));
        master.turn(0);
        assertEquals(List.of("after"), ran);
    }
}
