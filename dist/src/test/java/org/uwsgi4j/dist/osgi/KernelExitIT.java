package org.uwsgi4j.dist.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.time.Duration;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.BundleContext;

/**
 * The control for {@link PluginHotLoadIT}'s "the kernel never asked to exit": with a start-up
 * error ({@code --plugins nosuch}) the same harness does see the kernel ask for exit code 1, so
 * an empty record there means the kernel really kept running.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class KernelExitIT {

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return DistFramework.kernelWith("--bundles-dir", DistFramework.emptyBundlesDir(), "--plugins", "nosuch");
    }

    @Test
    public void unknownPluginMakesTheKernelAskForExitCode1() throws Exception {
        ExitRecorder exit = ExitRecorder.register(context);
        try {
            assertEquals("exit code", 1, exit.awaitFirst(Duration.ofSeconds(15)));
            assertNull("no Options service after a failed start-up",
                    context.getServiceReference("org.uwsgi4j.kernel.api.Options"));
        } finally {
            exit.unregister();
        }
    }
}
