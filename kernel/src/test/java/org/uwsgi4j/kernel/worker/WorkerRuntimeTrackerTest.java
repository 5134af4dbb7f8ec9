package org.uwsgi4j.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.api.WorkerHost;
import org.uwsgi4j.kernel.api.WorkerRuntime;
import org.uwsgi4j.kernel.dispatch.DispatchTable;
import org.uwsgi4j.kernel.log.TestOptions;

/**
 * A runtime that refuses the configuration, or cannot prepare its workers: started with the
 * server (bound before the tracker activated) it ends the start-up with exit code 1; dropped
 * in later it is left without workers and the server goes on. A runtime that goes away leaves
 * its workers serving for the swap grace: the next version takes them over with a graceful
 * reload, the same version back changes nothing, and when the grace passes they stop. The
 * master is turned by the test.
 */
@Timeout(10)
class WorkerRuntimeTrackerTest {

    private static final WorkerRuntimeTracker.Source SOURCE = new WorkerRuntimeTracker.Source(7, 1, "0.1.0");
    private final List<Integer> exitCodes = new CopyOnWriteArrayList<>();
    private final DispatchTable table = new DispatchTable();
    private final MasterRig.FakeClock clock = new MasterRig.FakeClock();
    private final MasterRig.FakeProcesses processes = new MasterRig.FakeProcesses();
    private RuntimeDir dir;
    private MasterLoop master;
    private WorkerRuntimeTracker tracker;

    @BeforeEach
    void tracker() throws IOException {
        dir = RuntimeDir.create(null);
        master = new MasterLoop(dir, exitCodes::add, clock, processes);
        Options options = TestOptions.of("threads", "4");
        Bundle framework = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> method.getName().equals("getState") ? Bundle.ACTIVE : null);
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> method.getName().equals("getBundle") ? framework : null);
        tracker = new WorkerRuntimeTracker(context, master, table, options, new org.uwsgi4j.kernel.dispatch.Mounts(List.of(), false),
                PoolSettings.fromOptions(options, "0.1.0"));
    }

    @AfterEach
    void close() throws Exception {
        master.close();
        dir.close();
    }

    /** A runtime with these problems, whose workerHost counts its calls and names no app. */
    static final class Refusing implements WorkerRuntime {
        final List<String> problems;
        final AtomicInteger hostsAsked = new AtomicInteger();

        Refusing(String... problems) {
            this.problems = List.of(problems);
        }

        @Override
        public List<String> problems(Options options) {
            return options.intValue("threads") > 1 ? problems : List.of();
        }

        @Override
        public Optional<WorkerHost> workerHost(Options options) {
            hostsAsked.incrementAndGet();
            return Optional.empty();
        }
    }

    @Test
    void aRuntimeStartedWithTheServerThatRefusesTheOptionsEndsTheStartWithExitCode1() throws Exception {
        Refusing runtime = new Refusing("--threads 4: this language has no threads");
        tracker.added(runtime, 0, "python", SOURCE);
        tracker.activated();
        master.turn(0);
        assertEquals(List.of(1), exitCodes);
        assertEquals(0, runtime.hostsAsked.get(), "no worker host is prepared for a refused configuration");
    }

    @Test
    void aRuntimeDroppedInLaterThatRefusesTheOptionsIsLeftUnavailableAndTheServerGoesOn() throws Exception {
        var unavailable = table.target(0);
        tracker.activated();
        Refusing runtime = new Refusing("--threads 4: this language has no threads");
        tracker.added(runtime, 0, "python", SOURCE);
        master.turn(0);
        assertEquals(List.of(), exitCodes);
        assertEquals(0, runtime.hostsAsked.get());
        assertSame(unavailable, table.target(0), "modifier1 0 stays unavailable");
    }

    @Test
    void aRuntimeWithoutProblemsIsAskedForItsWorkerHost() throws Exception {
        Refusing runtime = new Refusing();
        tracker.added(runtime, 0, "python", SOURCE);
        tracker.activated();
        master.turn(0);
        assertEquals(1, runtime.hostsAsked.get());
        assertEquals(List.of(), exitCodes);
    }

    @Test
    void aWorkerHostThatCannotBePreparedEndsTheStartAtBootButNotLater() throws Exception {
        WorkerRuntime broken = options -> {
            throw new IllegalArgumentException("home /nowhere: no bin/python in /nowhere");
        };
        tracker.added(broken, 0, "python", SOURCE);
        tracker.activated();
        master.turn(0);
        assertEquals(List.of(1), exitCodes, "at boot");

        exitCodes.clear();
        tracker.added(broken, 5, "other", SOURCE);
        master.turn(0);
        assertEquals(List.of(), exitCodes, "dropped in later");
        assertTrue(table.target(5) != null);
    }

    /** A runtime whose host is {@code python3 host.py}, for every configuration. */
    private static WorkerRuntime serving() {
        return options -> Optional.of(new WorkerHost(List.of("python3", "host.py"), Map.of(), Path.of("."), "WSGI app 0"));
    }

    private long hostsStarted() {
        return processes.started.stream().filter(c -> c.role.equals("host")).count();
    }

    @Test
    void aNewVersionWithinTheGraceTakesTheWorkersOverWithAGracefulReload() throws Exception {
        tracker.activated();
        WorkerRuntime old = serving();
        tracker.added(old, 0, "python", SOURCE);
        master.turn(0);
        WorkerPool pool = master.pools().getFirst();
        assertEquals("0.1.0", pool.host().environment().get("UWSGI4J_PLUGIN_VERSION"));
        var target = table.target(0);
        assertEquals(1, hostsStarted());

        tracker.removed(old);
        master.turn(0);
        assertSame(target, table.target(0), "the workers serve on during the grace");
        tracker.added(serving(), 0, "python", new WorkerRuntimeTracker.Source(7, 2, "0.1.1"));
        master.turn(0);
        assertEquals(List.of(pool), master.pools(), "the same pool, taken over");
        assertEquals("0.1.1", pool.host().environment().get("UWSGI4J_PLUGIN_VERSION"));
        assertEquals(2, hostsStarted(), "a new generation with the new version's host");
        assertSame(target, table.target(0));
    }

    @Test
    void theSameVersionBackUnchangedKeepsItsWorkers() throws Exception {
        tracker.activated();
        WorkerRuntime old = serving();
        tracker.added(old, 0, "python", SOURCE);
        master.turn(0);
        tracker.removed(old);
        tracker.added(serving(), 0, "python", SOURCE); // a refresh: the same bundle, not updated
        master.turn(0);
        assertEquals(1, hostsStarted(), "no reload");
        assertEquals(1, master.pools().size());
    }

    @Test
    void whenTheGracePassesWithNoNewVersionTheWorkersStop() throws Exception {
        tracker.activated();
        WorkerRuntime old = serving();
        tracker.added(old, 0, "python", SOURCE);
        master.turn(0);
        var unavailable = new DispatchTable().target(0).getClass();
        tracker.removed(old);
        master.turn(0);
        clock.advance(Duration.ofSeconds(6));
        master.turn(0);
        for (long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos(); !master.pools().isEmpty(); ) {
            assertTrue(System.nanoTime() < deadline, "the pool was never stopped");
            Thread.onSpinWait(); // the stop runs on a thread of its own
        }
        assertSame(unavailable, table.target(0).getClass(), "modifier1 0 is unavailable");
    }
}
