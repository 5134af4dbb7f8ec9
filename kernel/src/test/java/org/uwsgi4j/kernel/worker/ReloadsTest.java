package org.uwsgi4j.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.uwsgi4j.kernel.stats.WorkerStats;
import org.uwsgi4j.kernel.protocol.FrameType;

/**
 * Reloads on a master turned by the test, with fake processes: a graceful reload by
 * generations, and a chain reload of --lazy-apps workers one at a time.
 */
@Timeout(10)
class ReloadsTest {

    private MasterRig rig;

    @AfterEach
    void close() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aReloadStartsANewGenerationAndRetiresTheOldOneOnceTheNewOneRuns() throws Exception {
        rig = new MasterRig("processes", "2");
        Generation first = rig.current();
        MasterRig.Host oldHost = rig.host(first);
        oldHost.ready();
        assertEquals(1, rig.nextFork(oldHost));
        assertEquals(2, rig.nextFork(oldHost));
        rig.run(1, 101);
        rig.run(2, 102);

        rig.pool.reload();
        Generation second = rig.current();
        assertNotSame(first, second);
        assertEquals(List.of("host", "host"), rig.processes.started.stream().map(c -> c.role).toList());
        MasterRig.Host newHost = rig.host(second);
        newHost.ready();
        assertEquals(1, rig.nextFork(newHost));
        assertEquals(2, rig.nextFork(newHost));
        rig.run(1, 201);
        assertFalse(first.retiring, "the old generation serves until every new worker runs");
        rig.run(2, 202);
        assertTrue(first.retiring);
        assertEquals(Worker.State.RETIRING, first.workers[1].state);
        assertEquals(FrameType.STOP, oldHost.next().type(), "the old host is told to stop");

        oldHost.exited(101, 1, 0, 0);
        oldHost.exited(102, 2, 0, 0);
        rig.processes.alive.removeAll(List.of(101L, 102L));
        rig.turnUntil("the old workers exited", () -> first.workers[2].state == Worker.State.DEAD);
        assertTrue(Files.exists(first.socket), "closed only once its host is gone too");
        ((MasterRig.FakeProcesses.Child) first.host).exit(0);
        rig.turn();
        assertFalse(Files.exists(first.socket));
        assertEquals(List.of("idle", "idle"), rig.statuses());
        assertEquals(0, rig.processes.killed.size());
    }

    @Test
    void aChainReloadReplacesTheLazyWorkersOneAtATime() throws Exception {
        rig = new MasterRig("processes", "2", "lazy-apps", "true", "chain-reload", "true");
        List<MasterRig.FakeProcesses.Child> started = rig.processes.started;
        assertEquals(List.of(1, 2), started.stream().map(c -> c.workerId).toList());
        assertEquals(List.of("worker", "worker"), started.stream().map(c -> c.role).toList());
        rig.run(1, started.get(0).pid);
        rig.run(2, started.get(1).pid);
        Generation generation = rig.current();

        rig.pool.reload();
        assertEquals(List.of("retiring", "idle"), rig.statuses(), "worker 1 first");
        started.get(0).exit(0);
        rig.turnUntil("worker 1 is started again", () -> started.size() == 3);
        assertEquals(1, started.get(2).workerId);
        rig.run(1, started.get(2).pid);
        assertEquals(List.of("idle", "retiring"), rig.statuses(), "worker 2 once worker 1's replacement runs");
        started.get(1).exit(0);
        rig.turnUntil("worker 2 is started again", () -> started.size() == 4);
        rig.run(2, started.get(3).pid);
        assertEquals(List.of("idle", "idle"), rig.statuses());
        assertEquals(List.of(1L, 1L), rig.pool.workers().stream().map(WorkerStats::respawns).toList());
        assertTrue(generation == rig.current(), "a chain reload keeps the generation");
    }
}
