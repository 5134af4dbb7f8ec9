package org.uwsgi4j.dist.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.List;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.uwsgi4j.kernel.api.AppRuntime;

/**
 * Hot-loading inside a real Felix with the real bundles of the built distribution (Pax Exam,
 * native container; see docs/testing.md): a plugin bundle installed while the kernel runs
 * registers its {@link AppRuntime} and shows as ACTIVE, with its options, in
 * {@code uwsgi:plugins}; uninstalling it takes the service and the row away again; the kernel
 * stays ACTIVE and answering throughout and never asks the process to exit.
 *
 * <p>One framework per test ({@link PerMethod}): each test starts its own kernel by registering
 * the exit service, so no test sees another's bundles.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class PluginHotLoadIT {

    private static final String ECHO_RUNTIME = "(&(objectClass=" + AppRuntime.class.getName() + ")("
            + AppRuntime.MODIFIER1 + "=101))";

    @Inject
    private BundleContext context;

    private RunningKernel kernel;

    @Configuration
    public Option[] config() {
        // No --plugins: every plugin below is installed by the test while the kernel runs.
        return DistFramework.kernelWith("--bundles-dir", DistFramework.emptyBundlesDir());
    }

    @Before
    public void startKernel() {
        kernel = RunningKernel.start(context);
    }

    @After
    public void kernelNeverAskedToExit() {
        if (kernel != null) {
            try {
                // Stricter than "no non-zero code": a running server must not ask to exit at all.
                assertEquals("exit codes the kernel asked for", List.of(), kernel.exit().codes());
            } finally {
                kernel.close();
            }
        }
    }

    @Test
    public void echoInstalledAtRunTimeServesModifier101AndLeavesNoTraceWhenUninstalled() throws Exception {
        PluginJar jar = PluginJar.named(kernel.home(), "echo");
        Filter filter = context.createFilter(ECHO_RUNTIME);
        ServiceTracker<Object, Object> runtimes = new ServiceTracker<>(context, filter, null);
        runtimes.open();
        try {
            assertNull("an AppRuntime for modifier1 101 before echo is installed", runtimes.getServiceReference());
            assertEquals(List.of(new PluginRow("echo", jar.version(), "available", "101 (not registered)", jar.options())),
                    rowsNamed("echo"));

            Bundle echo = context.installBundle(jar.location());
            echo.start();

            assertNotNull("no AppRuntime for modifier1 101 after installing echo", runtimes.waitForService(RunningKernel.TIMEOUT.toMillis()));
            ServiceReference<Object> ref = runtimes.getServiceReference();
            assertEquals(echo, ref.getBundle());
            assertEquals("echo", ref.getProperty(AppRuntime.PLUGIN));
            assertTrue("the echo service is no AppRuntime of the kernel's API", runtimes.getService() instanceof AppRuntime);
            var installed = List.of(new PluginRow("echo", echo.getVersion().toString(), "ACTIVE", "101", jar.options()));
            kernel.await("echo ACTIVE and serving 101 in uwsgi:plugins", () -> rowsNamed("echo"), installed::equals);
            assertEquals(Bundle.ACTIVE, kernel.bundle().getState());

            echo.uninstall();

            kernel.await("the AppRuntime for modifier1 101 to go away", runtimes::getServiceReference, r -> r == null);
            var uninstalled = List.of(new PluginRow("echo", jar.version(), "available", "101 (not registered)", jar.options()));
            kernel.await("echo back to available in uwsgi:plugins", () -> rowsNamed("echo"), uninstalled::equals);
            assertKernelAlive();
        } finally {
            runtimes.close();
        }
    }

    @Test
    public void pluginOptionsAreListedWhileInstalledAndGoneWhenUninstalled() throws Exception {
        PluginJar jar = PluginJar.withOptions(kernel.home(), "python");
        assertTrue("no " + jar.name() + " bundle may be installed yet: " + rowsNamed(jar.name()),
                rowsNamed(jar.name()).stream().allMatch(r -> r.state().equals("available")));

        Bundle plugin = context.installBundle(jar.location());
        plugin.start();

        List<PluginRow> rows = kernel.await(jar.name() + " ACTIVE in uwsgi:plugins",
                () -> rowsNamed(jar.name()), r -> r.size() == 1 && r.getFirst().state().equals("ACTIVE"));
        assertEquals("options of the installed " + jar.name() + " bundle", jar.options(), rows.getFirst().options());
        assertEquals(Bundle.ACTIVE, kernel.bundle().getState());

        plugin.uninstall();

        rows = kernel.await(jar.name() + " no longer installed in uwsgi:plugins",
                () -> rowsNamed(jar.name()), r -> r.stream().noneMatch(row -> row.state().equals("ACTIVE")));
        assertTrue("rows left for " + jar.name() + ": " + rows, rows.stream().allMatch(r -> r.state().equals("available")));
        assertTrue("no bundle may be left at " + jar.location(), context.getBundle(jar.location()) == null);
        assertKernelAlive();
    }

    private List<PluginRow> rowsNamed(String name) {
        return kernel.plugins().stream().filter(r -> r.name().equals(name)).toList();
    }

    private void assertKernelAlive() {
        assertEquals("kernel bundle state", Bundle.ACTIVE, kernel.bundle().getState());
        String version = kernel.run("uwsgi:version");
        assertTrue("uwsgi:version answered: " + version, version.matches("uwsgi4j \\d+\\.\\d+\\.\\d+"));
    }
}
