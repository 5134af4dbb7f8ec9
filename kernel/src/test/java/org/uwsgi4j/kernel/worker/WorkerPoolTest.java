package org.uwsgi4j.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.uwsgi4j.kernel.protocol.FrameType;

/**
 * The master's decisions for one pool, with a fake clock and fake processes: spawn, respawn and
 * its throttle, harakiri, max-requests, lifetime, evil reload, a host that fails. No process is
 * started and nothing sleeps: the test moves the clock and turns the master.
 */
@Timeout(10)
class WorkerPoolTest {

    private MasterRig rig;

    @AfterEach
    void close() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    /** A started pool whose host loaded the app and forked worker 1 … processes, each running as pid 100+id. */
    private MasterRig.Host running(String... options) throws Exception {
        rig = new MasterRig(options);
        MasterRig.Host host = rig.host(rig.current());
        host.ready();
        rig.turnUntil("the host is ready", () -> rig.current().ready);
        for (int id = 1; id < rig.current().workers.length; id++) {
            assertEquals(id, rig.nextFork(host));
            rig.run(id, 100 + id);
        }
        return host;
    }

    @Test
    void theHostForksTheWorkersOnceReadyAndEachRunsWhenAllItsCoresSaidHello() throws Exception {
        rig = new MasterRig("processes", "2", "threads", "2");
        assertEquals(List.of("host"), rig.processes.started.stream().map(c -> c.role).toList());
        MasterRig.Host host = rig.host(rig.current());
        host.ready();
        rig.turnUntil("the host is ready", () -> rig.current().ready);
        assertEquals(1, rig.nextFork(host));
        assertEquals(2, rig.nextFork(host));
        rig.connectCores(rig.current(), 1, 101);
        rig.turnUntil("worker 1 runs", () -> rig.statuses().equals(List.of("idle", "spawning")));
        rig.run(2, 102);
        assertEquals(List.of("idle", "idle"), rig.statuses());
    }

    @Test
    void aWorkerThatDiesIsRespawnedAtOnce() throws Exception {
        MasterRig.Host host = running("processes", "2");
        host.exited(101, 1, 0, 9);
        assertEquals(1, rig.nextFork(host));
        rig.run(1, 201);
        assertEquals(1, rig.pool.workers().getFirst().respawns());
        assertEquals(201, rig.worker(1).pid);
    }

    @Test
    void deathWatchersHearOfAWorkerThatDiedOnItsOwnOnly() throws Exception {
        MasterRig.Host host = running("processes", "2");
        List<String> deaths = new java.util.concurrent.CopyOnWriteArrayList<>();
        rig.master.onWorkerDeath((modifier1, id, pid, signal, status) -> deaths.add(modifier1 + " " + id + " " + pid + " " + signal + " " + status));
        host.exited(101, 1, 0, 11);
        assertEquals(1, rig.nextFork(host));
        rig.run(1, 201);
        assertEquals(List.of("0 1 101 11 0"), deaths);
        rig.master.shutdownRequested();
        host.exited(102, 2, 0, 15);   // stopped with the server: no death of its own
        rig.turnUntil("the death", () -> rig.worker(2).state == Worker.State.DEAD);
        assertEquals(List.of("0 1 101 11 0"), deaths);
    }

    @Test
    void onceTheServerIsShuttingDownNeitherADeadWorkerNorADeadHostIsReplaced() throws Exception {
        MasterRig.Host host = running("processes", "2");
        rig.master.shutdownRequested();   // SIGTERM to the process group: the workers have it too
        host.exited(101, 1, 0, 15);
        host.exited(102, 2, 0, 15);
        rig.turnUntil("both deaths", () -> rig.statuses().equals(List.of("dead", "dead")));
        ((MasterRig.FakeProcesses.Child) rig.current().host).exit(143);
        rig.advance(Duration.ofSeconds(5));
        assertEquals(List.of("dead", "dead"), rig.statuses(), "no respawn (a FORK would make them spawning)");
        assertEquals(1, rig.processes.started.size(), "no new host");
    }

    @Test
    void aWorkerStoppedBySomeoneElsesSignalIsRespawnedAfterTheGraceUnlessTheServerShutsDownMeanwhile() throws Exception {
        MasterRig.Host host = running("processes", "2");
        host.exited(101, 1, 0, 0);    // exit 0 on a SIGTERM the master did not send
        host.exited(102, 2, 0, 15);   // killed by SIGTERM
        rig.turnUntil("both deaths", () -> rig.statuses().equals(List.of("dead", "dead")));
        rig.advance(Spawner.SIGNALLED_GRACE.minusMillis(1));
        assertEquals(List.of("dead", "dead"), rig.statuses(), "the master's own signal may still come");
        rig.advance(Duration.ofMillis(1));
        assertEquals(List.of("spawning", "spawning"), rig.statuses(), "no shutdown came: both are respawned");

        rig.run(1, 201);
        rig.run(2, 202);
        host.exited(201, 1, 0, 0);
        rig.turnUntil("the death", () -> rig.worker(1).state == Worker.State.DEAD);
        rig.master.shutdownRequested();  // the group's signal reached the master after the worker
        rig.advance(Spawner.SIGNALLED_GRACE);
        assertEquals("dead", rig.statuses().getFirst(), "not replaced once the server shuts down");
    }

    @Test
    void aWorkerThatCrashesIsNotHeldByTheGrace() {
        assertTrue(Spawner.signalledFromOutside(0, 0));
        assertTrue(Spawner.signalledFromOutside(0, 2));
        assertFalse(Spawner.signalledFromOutside(1, 0), "an exit status other than 0 is the worker's own end");
        assertFalse(Spawner.signalledFromOutside(0, 9), "SIGKILL: the OOM killer or an operator; respawned at once");
        assertFalse(Spawner.signalledFromOutside(0, 11), "a crash");
    }

    @Test
    void aWorkerThatKeepsDyingIsRespawnedAfterTheThrottlesDelay() throws Exception {
        MasterRig.Host host = running("processes", "1");
        for (int death = 1; death <= 3; death++) {
            host.exited(101, 1, 1, 0);
            assertEquals(1, rig.nextFork(host), "death " + death + " is respawned at once");
        }
        host.exited(101, 1, 1, 0);
        rig.turnUntil("the fourth death", () -> rig.worker(1).state == Worker.State.DEAD);
        rig.advance(Duration.ofMillis(1_999));
        assertEquals(List.of("dead"), rig.statuses(), "not respawned before the throttle's 2 s");
        rig.advance(Duration.ofMillis(1));
        assertEquals(List.of("spawning"), rig.statuses());
        assertEquals(1, rig.nextFork(host));
    }

    @Test
    void harakiriKillsTheWorkerOfARequestThatRunsTooLongOnce() throws Exception {
        running("processes", "2", "harakiri", "5");
        rig.worker(2).cores[0].busySinceNanos = rig.clock.nanoTime();
        rig.advance(Duration.ofSeconds(5));
        assertEquals(List.of(), rig.processes.killed);
        rig.advance(Duration.ofMillis(1));
        assertEquals(List.of(102L), rig.processes.killed);
        rig.advance(Duration.ofSeconds(10));
        assertEquals(List.of(102L), rig.processes.killed, "one harakiri per request");
    }

    @Test
    void maxRequestsRecyclesAWorkerGracefullyAndKillsItAfterTheMercy() throws Exception {
        MasterRig.Host host = running("processes", "1", "max-requests", "2", "worker-reload-mercy", "30");
        Worker first = rig.worker(1);
        rig.pool.target().offer(new DoneJob());
        rig.pool.target().offer(new DoneJob());
        rig.turnUntil("recycled after 2 requests", () -> first.recycling);
        assertEquals(List.of("retiring"), rig.statuses());
        rig.advance(Duration.ofSeconds(29));
        assertEquals(List.of(), rig.processes.killed);
        rig.advance(Duration.ofSeconds(1));
        assertEquals(List.of(101L), rig.processes.killed, "killed after --worker-reload-mercy");
        host.exited(101, 1, 0, 9);
        assertEquals(1, rig.nextFork(host), "a recycled worker is respawned");
    }

    @Test
    void maxWorkerLifetimeRecyclesAWorkerThatLivedLongEnough() throws Exception {
        running("processes", "2", "max-worker-lifetime", "10");
        rig.advance(Duration.ofSeconds(10));
        assertEquals(List.of("idle", "idle"), rig.statuses());
        rig.advance(Duration.ofMillis(1));
        assertEquals(List.of("retiring", "retiring"), rig.statuses());
    }

    @Test
    void evilReloadOnRssKillsAWorkerOverTheLimitAtOnce() throws Exception {
        running("processes", "2", "evil-reload-on-rss", "100");
        rig.processes.rss.put(101L, 99L << 20);
        rig.processes.rss.put(102L, 100L << 20);
        CoreLink busy = rig.current().workers[2].cores[0];
        busy.busySinceNanos = 1; // a request in hand
        rig.advance(Duration.ofSeconds(1));
        assertEquals(List.of(102L), rig.processes.killed);
        assertTrue(busy.killedForItsRequest, "the request in hand grew the worker: it is not retried elsewhere");
        assertFalse(rig.current().workers[1].cores[0].killedForItsRequest);
        rig.advance(Duration.ofMillis(999));
        assertEquals(List.of(102L), rig.processes.killed, "memory is read once a second");
        rig.advance(Duration.ofSeconds(1));
        assertEquals(List.of(102L, 102L), rig.processes.killed);
    }

    @Test
    void withNeedAppAHostThatExitsBeforeReadyEndsTheServerWithUwsgisCode() throws Exception {
        rig = new MasterRig("need-app", "true");
        ((MasterRig.FakeProcesses.Child) rig.current().host).exit(1); // posts its event at once
        rig.turn();
        rig.advance(Duration.ofMillis(499));
        assertEquals(List.of(), rig.exitCodes, "its LOADFAIL may still come");
        rig.advance(Duration.ofMillis(1));
        assertEquals(List.of(WorkerPool.FAILED_APP_CODE), rig.exitCodes);
    }

    @Test
    void withoutNeedAppAFailedLoadLeavesThePoolFailingItsRequests() throws Exception {
        rig = new MasterRig();
        rig.host(rig.current()).send(FrameType.LOADFAIL, "SyntaxError");
        DoneJob job = new DoneJob();
        BooleanSupplier failing = () -> {
            rig.pool.target().offer(job);
            return job.failed;
        };
        rig.turnUntil("requests fail", failing);
        assertEquals(List.of(), rig.exitCodes);
    }

    /** A request a worker answers at once. */
    static class DoneJob implements Job {

        volatile boolean failed;

        @Override
        public Outcome forward(FrameChannel channel, java.util.function.BooleanSupplier mayRetry) {
            return Outcome.DONE;
        }

        @Override
        public void fail() {
            failed = true;
        }

        @Override
        public void overloaded() {
            failed = true;
        }

        @Override
        public String describe() {
            return "127.0.0.1 - GET /";
        }

        @Override
        public void servedBy(int workerId, int coreId, long pid) {
        }

        @Override
        public boolean appError() {
            return false;
        }

        @Override
        public long bodyBytes() {
            return 0;
        }
    }
}
