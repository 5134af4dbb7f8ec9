package org.uwsgi4j.dist.osgi;

import static org.junit.Assert.assertEquals;

import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.uwsgi4j.kernel.api.CheaperAlgorithm;

/**
 * The cheaper SPI inside a real Felix with the real bundles and real CPython workers: a
 * {@link CheaperAlgorithm} registered while the server runs, under the name
 * {@code --cheaper-algo} asked for, is called every cycle with the pool's load, and the
 * kernel carries out what it answers (one more worker, then one fewer).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class CheaperAlgorithmIT {

    private static final Path APP = Path.of("src/test/resources/apps/faults.py").toAbsolutePath();

    @Inject
    private BundleContext context;

    private RunningKernel kernel;
    private ServiceRegistration<CheaperAlgorithm> registration;

    @Configuration
    public Option[] config() {
        return DistFramework.kernelWith("--bundles-dir", DistFramework.emptyBundlesDir(), "--plugins", "python",
                "--http-socket", "127.0.0.1:0", "--wsgi-file", APP.toString(), "--processes", "3",
                "--cheaper", "1", "--cheaper-algo", "test-algo", "--cheaper-overload", "2", "--cheaper-step", "2");
    }

    @After
    public void stop() {
        if (registration != null) {
            registration.unregister();
        }
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    public void aRegisteredAlgorithmIsCalledEachCycleAndItsAnswersAreCarriedOut() throws Exception {
        kernel = RunningKernel.start(context);
        LinkedBlockingQueue<CheaperAlgorithm.Load> loads = new LinkedBlockingQueue<>();
        List<Integer> script = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(1, 0, -1));
        CheaperAlgorithm algorithm = () -> load -> {
            loads.add(load);
            return !load.canSpawn() || script.isEmpty() ? 0 : script.removeFirst(); // +1, 0, -1 once the app is loaded
        };
        var props = new Hashtable<String, Object>();
        props.put(CheaperAlgorithm.NAME, "test-algo");
        registration = context.registerService(CheaperAlgorithm.class, algorithm, props);

        CheaperAlgorithm.Load first = awaitLoad(loads, l -> l.active() == 1 && l.canSpawn());
        assertEquals(3, first.processes());
        assertEquals(1, first.cheaper());
        assertEquals(2, first.step());
        assertEquals(2, first.overload());
        assertEquals(2, first.cheaped());
        // it answered +1: a cheaped slot gets a worker
        CheaperAlgorithm.Load grown = awaitLoad(loads, l -> l.active() == 2);
        assertEquals(1, grown.cheaped());
        // then -1: the oldest idle worker is stopped and its slot is cheaped again
        CheaperAlgorithm.Load shrunk = awaitLoad(loads, l -> l.active() == 1 && l.cheaped() == 2 && script.isEmpty());
        assertEquals(0, shrunk.busy());
    }

    private static CheaperAlgorithm.Load awaitLoad(LinkedBlockingQueue<CheaperAlgorithm.Load> loads,
                                                   java.util.function.Predicate<CheaperAlgorithm.Load> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        CheaperAlgorithm.Load last = null;
        while (System.nanoTime() < deadline) {
            CheaperAlgorithm.Load l = loads.poll(1, TimeUnit.SECONDS);
            if (l != null) {
                last = l;
                if (wanted.test(l)) {
                    return l;
                }
            }
        }
        throw new AssertionError("no such load within 30 s; last seen: " + last);
    }
}
