package org.uwsgi4j.kernel.boot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.dispatch.Modifiers;
import org.uwsgi4j.kernel.log.LogPipeline;
import org.uwsgi4j.kernel.shell.ShellServer;
import org.uwsgi4j.kernel.worker.MasterLoop;
import org.uwsgi4j.kernel.worker.PoolSettings;
import org.uwsgi4j.launcher.api.LaunchProperties;
import org.uwsgi4j.launcher.api.ProcessExit;

/**
 * What the boot steps share: the framework, the launcher's exit, the command line, and what
 * the steps before made (the configuration, the log, the master, the acceptors). Written by
 * the boot thread only; {@link #stop} undoes what the steps started, in reverse order.
 */
final class Boot {

    private static final Logger LOG = LoggerFactory.getLogger(Boot.class);

    final BundleContext context;
    final ProcessExit exit;
    final Modifiers modifiers;
    final Path home;
    final List<String> argv;
    final String version;

    /** {@link ReadConfig}: the configuration and what it was read against. */
    Loaded loaded;
    /** {@link ReadConfig}: the resolved options. */
    Options options;
    /** {@link ReadConfig}: the options the boot steps read. */
    KernelSettings kernel;
    /** {@link CheckUsers}: the workers' settings, parsed once and shared with every pool. */
    PoolSettings pool;
    /** {@link OpenLog}: the log pipeline, the process's stderr from then on. */
    LogPipeline log;
    /** {@link StartPlugins}: the plugin bundles started with the server, and their plugin names. */
    final Map<Bundle, String> plugins = new LinkedHashMap<>();
    /** {@link StartMaster}: the master loop. */
    MasterLoop master;
    /** {@link StartMaster}: the worker sockets' directory. */
    Path runtimeDir;
    /** {@link BindShell}: the shell's socket, bound; {@link StartShell} serves it. Null without {@code --shell-socket}. */
    ShellServer shell;
    /** What {@link DropPrivileges} gives to {@code --uid}/{@code --gid} besides the bundle cache and the runtime directory. */
    final List<Path> handOver = new ArrayList<>();
    /** {@link BindSockets}: what starts accepting on the bound sockets ({@link Accept} runs them). */
    final List<Runnable> acceptors = new ArrayList<>();
    /** {@link BindSockets}: what stops accepting (the listening sockets close), run first on a shutdown signal. */
    final List<Runnable> stopAccepting = new CopyOnWriteArrayList<>();

    private final List<AutoCloseable> running = new ArrayList<>();
    private final List<ServiceRegistration<?>> registrations = new CopyOnWriteArrayList<>();

    Boot(BundleContext context, ProcessExit exit, Modifiers modifiers) {
        this.context = context;
        this.exit = exit;
        this.modifiers = modifiers;
        this.home = Path.of(context.getProperty(LaunchProperties.HOME));
        String raw = context.getProperty(LaunchProperties.ARGV);
        this.argv = raw == null || raw.isEmpty() ? List.of() : Arrays.asList(raw.split("\0", -1));
        var v = context.getBundle().getVersion();
        this.version = v.getMajor() + "." + v.getMinor() + "." + v.getMicro();
    }

    /** The drop-in directory: {@code --bundles-dir}, else {@code bundles/} in the distribution (absolute, normalized). */
    Path dropInDir() {
        return kernel.bundlesDir().orElse(home.resolve("bundles")).toAbsolutePath().normalize();
    }

    /** Registers {@code service} in the framework until the kernel stops. */
    <S> void register(Class<S> type, S service) {
        registrations.add(context.registerService(type, service, null));
    }

    /** Registers {@code service} with {@code properties} until the kernel stops. */
    <S> void register(Class<S> type, S service, Map<String, ?> properties) {
        registrations.add(context.registerService(type, service, new Hashtable<>(properties)));
    }

    /**
     * Calls {@code call} on every service of {@code type} registered now (a whiteboard looked up
     * at the event, for rare events: a full listen queue, a worker's death); one that throws is
     * logged in one line and the others are still called.
     */
    <S> void each(Class<S> type, Consumer<S> call) {
        Collection<ServiceReference<S>> refs;
        try {
            refs = context.getServiceReferences(type, null);
        } catch (InvalidSyntaxException | IllegalStateException e) {
            return; // no filter given; a stopping framework has no services left to call
        }
        for (var ref : refs) {
            S service = context.getService(ref);
            if (service == null) {
                continue;
            }
            try {
                call.accept(service);
            } catch (RuntimeException e) {
                LOG.warn("!!! {} {} failed: {} !!!", type.getSimpleName(), service.getClass().getName(), e.toString());
            } finally {
                context.ungetService(ref);
            }
        }
    }

    /** Closes {@code resource} when the kernel stops (the last added is closed first). */
    void onStop(AutoCloseable resource) {
        synchronized (running) {
            running.add(resource);
        }
    }

    /** The installed bundle {@code symbolicName} (a core bundle the launcher installed and left to the kernel to start). */
    Optional<Bundle> coreBundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst();
    }

    /**
     * How long the workers and the attached daemons have to end at a shutdown before they are
     * killed: {@code --reload-mercy} when given, else {@code --worker-reload-mercy}.
     */
    java.time.Duration shutdownMercy() {
        return options.value("reload-mercy").isPresent() ? options.seconds("reload-mercy") : pool.workerMercy();
    }

    /** Set once an exit was asked for, from any thread (a step, the master). */
    private volatile boolean exiting;

    /** Ends the start-up: the launcher exits the process with {@code code}. Any thread. */
    boolean exit(int code) {
        exiting = true;
        exit.exit(code);
        return false;
    }

    /** True once {@link #exit} was called: the start-up must not go on. */
    boolean exiting() {
        return exiting;
    }

    /** Closes what the steps started, last first, then withdraws their services. */
    void stop() {
        synchronized (running) {
            for (AutoCloseable c : running.reversed()) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("error while stopping {}: {}", c, e.getMessage());
                }
            }
            running.clear();
        }
        registrations.forEach(r -> {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping and the framework unregistered it
            }
        });
    }
}
