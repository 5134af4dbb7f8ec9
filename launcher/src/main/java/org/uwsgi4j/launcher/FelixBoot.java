package org.uwsgi4j.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarInputStream;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.uwsgi4j.launcher.api.KernelStartedBundles;
import org.uwsgi4j.launcher.api.LaunchProperties;
import org.uwsgi4j.launcher.api.ProcessExit;
import org.uwsgi4j.launcher.api.ProcessSignal;
import org.uwsgi4j.launcher.api.SignalHandler;
import org.uwsgi4j.launcher.log.JulBridge;

/**
 * Starts Felix with the distribution's core bundles and waits for the kernel's exit code.
 *
 * <pre>
 *  argv ──▶ framework property uwsgi4j.argv (NUL-separated) ──▶ kernel reads it at activation
 *  kernel ──▶ ProcessExit service ──▶ exit code ──▶ stop Felix ──▶ exit
 *  signal ──▶ the kernel's SignalHandler service (org.uwsgi4j.launcher.api, exported by the system bundle)
 * </pre>
 *
 * The launcher knows nothing of options: every core bundle is installed and started, except
 * those the kernel starts on demand ({@link KernelStartedBundles}: Configuration Admin and
 * FileInstall once the instance is ready and it knows the drop-in directory; the Gogo runtime,
 * commands and console when a shell is asked for).
 */
final class FelixBoot {

    private static final long STOP_MERCY_MS = 30_000;
    /** FileInstall's {@code felix.fileinstall.dir}: a comma-separated list, here of no directories. */
    static final String NO_DIRECTORIES = ",";
    /** The package the launcher shares with the kernel, exported by the system bundle. */
    static final String API_PACKAGE = ProcessExit.class.getPackageName();

    private final Distribution dist;
    private final String[] args;
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();

    FelixBoot(Distribution dist, String[] args, long startNanos) {
        this.dist = dist;
        this.args = args;
    }

    int run() throws Exception {
        JulBridge.install();
        Path storage = Files.createTempDirectory("uwsgi4j-felix-");
        Framework framework = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"))
                .newFramework(frameworkConfig(storage));
        Thread hook = Thread.ofPlatform().name("uwsgi4j-shutdown").unstarted(() -> stop(framework));
        Runtime.getRuntime().addShutdownHook(hook);
        Signals.install(signal -> onSignal(framework, signal));
        try {
            framework.init();
            watchQuitOnceTheKernelTakesSignals(framework);
            ProcessExit exit = exitCode::complete;
            framework.getBundleContext().registerService(ProcessExit.class, exit, null);
            startCoreBundles(framework);
            framework.start();
            Thread.ofPlatform().daemon().name("uwsgi4j-framework-watch").start(() -> {
                try {
                    framework.waitForStop(0);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exitCode.complete(0);
            });
            int code = exitCode.get();
            stop(framework);
            return code;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already running and stops the framework itself
            }
            deleteTree(storage);
        }
    }

    /**
     * SIGQUIT is watched ({@link Signals#watchQuit}) from the moment the kernel registers its
     * signal handler: the server is then starting, past the modes that print to stdout and exit
     * (--help, --version, --plugins-list, --dry-run, the --daemonize command itself), whose
     * output goes to stdout untouched.
     */
    private void watchQuitOnceTheKernelTakesSignals(Framework framework) throws InvalidSyntaxException {
        var watching = new AtomicBoolean();
        framework.getBundleContext().addServiceListener(event -> {
            if (event.getType() == ServiceEvent.REGISTERED && watching.compareAndSet(false, true)) {
                Signals.watchQuit(signal -> onSignal(framework, signal));
            }
        }, "(" + Constants.OBJECTCLASS + "=" + SignalHandler.class.getName() + ")");
    }

    /**
     * Hands a signal to the kernel's {@link SignalHandler}; before the kernel has one, SIGHUP is
     * ignored and the others end the process at once.
     */
    private void onSignal(Framework framework, ProcessSignal signal) {
        try {
            var context = framework.getBundleContext();
            ServiceReference<SignalHandler> ref = context == null ? null : context.getServiceReference(SignalHandler.class);
            SignalHandler handler = ref == null ? null : context.getService(ref);
            if (handler != null) {
                try {
                    handler.handle(signal);
                    return;
                } finally {
                    context.ungetService(ref);
                }
            }
        } catch (IllegalStateException e) {
            // no kernel to ask: fall through
        }
        if (signal != ProcessSignal.HUP) {
            exitCode.complete(ProcessExit.SUCCESS);
        }
    }

    private Map<String, String> frameworkConfig(Path storage) {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        String slf4j = "version=" + org.slf4j.LoggerFactory.class.getPackage().getImplementationVersion();
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, String.join(",",
                "org.slf4j;" + slf4j, "org.slf4j.event;" + slf4j, "org.slf4j.helpers;" + slf4j, "org.slf4j.spi;" + slf4j,
                API_PACKAGE));
        config.put("felix.log.level", "1");
        config.put("felix.fileinstall.log.default", "jul");
        // an empty list of directories: FileInstall starts no watcher of its own; the kernel
        // configures the drop-in directory's through Configuration Admin once it has read --bundles-dir
        config.put("felix.fileinstall.dir", NO_DIRECTORIES);
        config.put(LaunchProperties.HOME, dist.home().toString());
        config.put(LaunchProperties.ARGV, String.join("\0", args));
        return config;
    }

    private void startCoreBundles(Framework framework) throws IOException, BundleException {
        List<Bundle> toStart = new ArrayList<>();
        for (Path jar : dist.coreBundles()) {
            String bsn = symbolicName(jar);
            Bundle bundle = framework.getBundleContext().installBundle(jar.toUri().toString());
            if (!KernelStartedBundles.ALL.contains(bsn)) {
                toStart.add(bundle);
            }
        }
        for (Bundle bundle : toStart) {
            bundle.start();
        }
    }

    private static String symbolicName(Path jar) throws IOException {
        try (InputStream in = Files.newInputStream(jar); var jin = new JarInputStream(in)) {
            var manifest = jin.getManifest();
            String bsn = manifest == null ? null : manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            return bsn == null ? "" : bsn.split(";")[0].strip();
        }
    }

    private static void stop(Framework framework) {
        try {
            if ((framework.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
                framework.stop();
            }
            framework.waitForStop(STOP_MERCY_MS);
        } catch (BundleException | InterruptedException e) {
            System.err.println("uwsgi4j: error while stopping the framework: " + e.getMessage());
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: the directory is under the system temp dir
        }
    }
}
