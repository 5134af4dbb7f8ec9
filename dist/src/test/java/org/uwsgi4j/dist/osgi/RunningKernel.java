package org.uwsgi4j.dist.osgi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The kernel as a test inside the framework sees it: started by registering the
 * {@link ExitRecorder}, driven through the same Gogo commands an operator types
 * ({@code uwsgi:plugins}, {@code uwsgi:version}), run by the {@link CommandProcessor} service
 * in a one-shot session. Conditions are awaited by polling against a deadline, never by sleeping
 * a fixed time; a failure message says what was last seen and what the kernel asked to exit with.
 */
final class RunningKernel implements AutoCloseable {

    static final String KERNEL_BSN = "org.uwsgi4j.kernel";
    static final String FILEINSTALL_BSN = "org.apache.felix.fileinstall";
    /** Long enough for a slow CI machine; the conditions normally hold within milliseconds. */
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final long POLL_MILLIS = 10;

    private final BundleContext context;
    private final ExitRecorder exit;
    private final ServiceTracker<CommandProcessor, CommandProcessor> shell;

    private RunningKernel(BundleContext context, ExitRecorder exit) {
        this.context = context;
        this.exit = exit;
        this.shell = new ServiceTracker<>(context, CommandProcessor.class, null);
        shell.open();
    }

    /**
     * Registers the exit service, which activates the kernel, and waits until it is up: its
     * commands answer and the drop-in directory is watched. The kernel publishes no "ready"
     * service; starting FileInstall is the last step of its start-up when no shell is asked for,
     * and the commands answer before that step.
     */
    static RunningKernel start(BundleContext context) {
        RunningKernel kernel = new RunningKernel(context, ExitRecorder.register(context));
        kernel.await("uwsgi:version to answer", () -> kernel.tryRun("uwsgi:version"), Optional::isPresent);
        kernel.await("the kernel to start " + FILEINSTALL_BSN, () -> kernel.stateOf(FILEINSTALL_BSN), s -> s == Bundle.ACTIVE);
        return kernel;
    }

    ExitRecorder exit() {
        return exit;
    }

    /** The distribution directory the kernel runs from ({@code uwsgi4j.home}). */
    Path home() {
        return Path.of(context.getProperty("uwsgi4j.home"));
    }

    /** The installed kernel bundle. */
    Bundle bundle() {
        return Arrays.stream(context.getBundles()).filter(b -> KERNEL_BSN.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + KERNEL_BSN + " bundle installed"));
    }

    /** The state of the bundle named {@code symbolicName}, or 0 when none is installed. */
    private int stateOf(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName()))
                .mapToInt(Bundle::getState).findFirst().orElse(0);
    }

    /** Runs a Gogo command line and returns what it returned, as text; fails on an error. */
    String run(String commandLine) {
        try {
            CommandProcessor processor = shell.waitForService(TIMEOUT.toMillis());
            if (processor == null) {
                throw new AssertionError("no Gogo CommandProcessor service within " + TIMEOUT);
            }
            var out = new ByteArrayOutputStream();
            CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out);
            try {
                Object result = session.execute(commandLine);
                return String.valueOf(result);
            } finally {
                session.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + commandLine, e);
        } catch (Exception e) {
            throw new AssertionError("'" + commandLine + "' failed: " + e, e);
        }
    }

    /** {@link #run}, or empty while the command fails (e.g. is not registered yet). */
    Optional<String> tryRun(String commandLine) {
        try {
            return Optional.of(run(commandLine));
        } catch (AssertionError notYet) {
            return Optional.empty();
        }
    }

    /** The data rows of {@code uwsgi:plugins}, each split into NAME VERSION STATE MODIFIER1 OPTIONS. */
    List<PluginRow> plugins() {
        return PluginRow.parse(run("uwsgi:plugins"));
    }

    /**
     * Polls {@code probe} until {@code ok} accepts its value and returns that value; fails after
     * {@link #TIMEOUT} with the last value seen.
     */
    <T> T await(String what, Supplier<T> probe, Predicate<? super T> ok) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            T value = probe.get();
            if (ok.test(value)) {
                return value;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited " + TIMEOUT + " for " + what + "; last seen: " + value
                        + "; exit codes requested by the kernel: " + exit.codes());
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    @Override
    public void close() {
        shell.close();
        exit.unregister();
    }
}
