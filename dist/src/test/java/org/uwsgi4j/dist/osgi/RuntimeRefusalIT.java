package org.uwsgi4j.dist.osgi;

import static org.junit.Assert.assertEquals;

import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.uwsgi4j.kernel.api.AppRuntime;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.api.WorkerHost;
import org.uwsgi4j.kernel.api.WorkerRuntime;

/**
 * A {@link WorkerRuntime} that refuses the configuration ({@link WorkerRuntime#problems}), in a
 * real Felix with the real kernel: one present when the server starts ends the start-up with
 * exit code 1; one that appears while the server runs (as a dropped-in plugin's does) is left
 * without workers and the server goes on, never asking to exit.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class RuntimeRefusalIT {

    @Inject
    private BundleContext context;

    private RunningKernel kernel;
    private ExitRecorder exitAtBoot;
    private final List<ServiceRegistration<WorkerRuntime>> registrations = new java.util.ArrayList<>();

    @Configuration
    public Option[] config() {
        return DistFramework.kernelWith("--bundles-dir", DistFramework.emptyBundlesDir(), "--threads", "4");
    }

    @After
    public void stop() {
        registrations.forEach(ServiceRegistration::unregister);
        if (kernel != null) {
            kernel.close();
        }
        if (exitAtBoot != null) {
            exitAtBoot.unregister();
        }
    }

    /** A runtime without threads: it refuses {@code --threads} above 1 (unless it {@code copes}). */
    static final class NoThreads implements WorkerRuntime {
        final boolean copes;
        final AtomicInteger checked = new AtomicInteger();
        final AtomicInteger hostsAsked = new AtomicInteger();

        NoThreads(boolean copes) {
            this.copes = copes;
        }

        @Override
        public List<String> problems(Options options) {
            checked.incrementAndGet();
            int threads = options.intValue("threads");
            return threads > 1 && !copes ? List.of("--threads " + threads + ": this language has no threads") : List.of();
        }

        @Override
        public Optional<WorkerHost> workerHost(Options options) {
            hostsAsked.incrementAndGet();
            return Optional.empty();
        }
    }

    private NoThreads register(int modifier1, boolean copes) {
        NoThreads runtime = new NoThreads(copes);
        var props = new Hashtable<String, Object>();
        props.put(AppRuntime.MODIFIER1, modifier1);
        props.put(AppRuntime.PLUGIN, "nothreads" + modifier1);
        registrations.add(context.registerService(WorkerRuntime.class, runtime, props));
        return runtime;
    }

    @Test
    public void aRuntimePresentAtStartThatRefusesTheOptionsEndsTheStartWithExitCode1() throws Exception {
        NoThreads runtime = register(77, false);
        exitAtBoot = ExitRecorder.register(context);   // starts the kernel
        assertEquals("exit code", 1, exitAtBoot.awaitFirst(Duration.ofSeconds(15)));
        assertEquals("asked for its problems once", 1, runtime.checked.get());
        assertEquals("no worker host prepared", 0, runtime.hostsAsked.get());
    }

    @Test
    public void aRuntimeThatAppearsWhileTheServerRunsAndRefusesIsLeftOutAndTheServerGoesOn() throws Exception {
        kernel = RunningKernel.start(context);
        NoThreads runtime = register(77, false);
        // the master starts runtimes in the order they came: once the next one was asked for its
        // worker host, the refusal of the first is behind us
        NoThreads next = register(78, true);
        kernel.await("the next runtime to be asked for its worker host", next.hostsAsked::get, n -> n == 1);
        assertEquals("asked for its problems once", 1, runtime.checked.get());
        assertEquals("no worker host prepared", 0, runtime.hostsAsked.get());
        assertEquals("the server goes on", "answers", kernel.tryRun("uwsgi:version").map(v -> "answers").orElse("silent"));
        assertEquals("exit codes the kernel asked for", List.of(), kernel.exit().codes());
    }
}
