package org.uwsgi4j.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.uwsgi4j.kernel.api.CheaperAlgorithm;

/** The cheaper mode's decisions applied to a pool, on a master turned by the test with a fake clock. */
@Timeout(10)
class WorkerCountTest {

    private MasterRig rig;
    private final AtomicInteger answer = new AtomicInteger();
    private final List<CheaperAlgorithm.Load> asked = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    private MasterRig.Host cheaperPool(String... more) throws Exception {
        List<String> options = new ArrayList<>(List.of("processes", "3", "cheaper", "1"));
        options.addAll(List.of(more));
        rig = new MasterRig(options.toArray(String[]::new));
        rig.algorithms.add("spare", 1L, () -> load -> {
            asked.add(load);
            return answer.get();
        });
        MasterRig.Host host = rig.host(rig.current());
        host.ready();
        assertEquals(1, rig.nextFork(host));
        rig.run(1, 101);
        return host;
    }

    @Test
    void itStartsTheMinimumAndSpawnsIntoCheapedSlotsWhenTheAlgorithmAsks() throws Exception {
        MasterRig.Host host = cheaperPool();
        assertEquals(List.of("idle", "cheap", "cheap"), rig.statuses());
        answer.set(1);
        rig.advance(Duration.ofMillis(999));
        assertEquals(List.of(), asked, "a cycle a second");
        rig.advance(Duration.ofMillis(1));
        assertEquals(1, asked.size());
        assertEquals(1, asked.getFirst().active());
        assertEquals(2, asked.getFirst().cheaped());
        assertEquals(2, rig.nextFork(host));
        assertEquals(List.of("idle", "spawning", "cheap"), rig.statuses());
    }

    @Test
    void theLoadCarriesTheMastersClockAndEachActiveWorkersTimeAndTheStatsTheDecision() throws Exception {
        cheaperPool();
        rig.worker(1).totalMicros.set(250_000);
        answer.set(1);
        rig.advance(Duration.ofSeconds(1));
        CheaperAlgorithm.Load load = asked.getFirst();
        assertEquals(rig.clock.nanoTime(), load.nanos());
        assertEquals(List.of(new CheaperAlgorithm.WorkerLoad(1, 101, false, 250_000)), load.workers());
        var stats = rig.master.pools().getFirst().cheaper().orElseThrow();
        assertEquals("spare", stats.algorithm());
        assertEquals(1, stats.decision());
    }

    @Test
    void fewerWorkersStopsTheOldestIdleOneAndLeavesItsSlotCheaped() throws Exception {
        MasterRig.Host host = cheaperPool();
        answer.set(1);
        rig.advance(Duration.ofSeconds(1));
        assertEquals(2, rig.nextFork(host));
        rig.run(2, 102);
        answer.set(-1);
        rig.advance(Duration.ofSeconds(1));
        assertEquals(List.of("retiring", "idle", "cheap"), rig.statuses(), "worker 1 was spawned first");
        host.exited(101, 1, 0, 0);
        rig.turnUntil("worker 1 is cheaped", () -> rig.statuses().equals(List.of("cheap", "idle", "cheap")));
        answer.set(-1);
        rig.advance(Duration.ofSeconds(1));
        assertEquals(List.of("cheap", "idle", "cheap"), rig.statuses(), "never below --cheaper");
    }

    @Test
    void overTheHardRssLimitAWorkerIsCheapedWithoutAskingTheAlgorithm() throws Exception {
        MasterRig.Host host = cheaperPool("cheaper-rss-limit-hard", "1000");
        answer.set(1);
        rig.advance(Duration.ofSeconds(1));
        rig.run(2, 102);
        rig.processes.rss.put(101L, 600L);
        rig.processes.rss.put(102L, 400L);
        asked.clear();
        rig.advance(Duration.ofSeconds(1));
        assertEquals(List.of(), asked);
        assertEquals(List.of("retiring", "idle", "cheap"), rig.statuses());
    }
}
