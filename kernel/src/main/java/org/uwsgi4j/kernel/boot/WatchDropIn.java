package org.uwsgi4j.kernel.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.security.CodePaths;
import org.uwsgi4j.launcher.api.KernelStartedBundles;

/**
 * Watches the drop-in directory ({@code --bundles-dir}, default {@code bundles/} in the
 * distribution) with Apache Felix FileInstall: a jar copied in is installed and started,
 * replaced is updated, deleted is uninstalled ({@link DropInLog} logs each, {@link NotABundle}
 * refuses what is no bundle); one with the name of a running plugin replaces it
 * ({@link PluginReplacement}, which watches every install, the shell's too). The directory must be safe by {@link CodePaths}' rule (else the
 * start ends, unless {@code --allow-unsafe-code-dirs}), and {@link UnsafeDropIn} keeps out
 * each file in it that is not.
 *
 * <p>FileInstall is configured through Configuration Admin: one factory configuration of its
 * {@code ManagedServiceFactory} ({@value #FILEINSTALL}) names the directory and how it is
 * polled. The launcher starts FileInstall's own framework-property watcher on an empty list of
 * directories, so this directory is the only one watched.
 */
final class WatchDropIn implements BootStep {

    private static final Logger LOG = LoggerFactory.getLogger(WatchDropIn.class);
    /** FileInstall's bundle, and the factory PID of its directory watchers. */
    private static final String FILEINSTALL = KernelStartedBundles.FILEINSTALL;
    /** The name of the kernel's factory configuration. */
    private static final String CONFIGURATION_NAME = "uwsgi4j-bundles-dir";
    /** How often the directory is scanned, in ms: a copied jar is active in under a second. */
    private static final String POLL_MS = "500";
    private static final Duration WATCHER_TIMEOUT = Duration.ofSeconds(10);

    private final ConfigurationAdmin configurations;

    WatchDropIn(ConfigurationAdmin configurations) {
        this.configurations = configurations;
    }

    @Override
    public boolean run(Boot boot) throws StartupException, IOException, BundleException, InterruptedException {
        Path dir = boot.dropInDir();
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new StartupException("bundles-dir " + dir + ": cannot create it: " + e.getMessage());
            }
            // one that existed was checked before the sockets were bound (CheckCodeDirs)
            CheckCodeDirs.refuseOrWarn(boot, "bundles-dir " + dir, new CodePaths(CheckCodeDirs.serverUid(boot)).problem(dir));
        }
        var listener = new DropInLog(dir);
        boot.context.addBundleListener(listener);
        boot.onStop(() -> boot.context.removeBundleListener(listener));
        var replacement = new PluginReplacement(boot.context);
        boot.context.addBundleListener(replacement);
        boot.onStop(() -> boot.context.removeBundleListener(replacement));
        boot.register(ArtifactInstaller.class, new NotABundle(dir));
        if (!boot.kernel.allowUnsafeCodeDirs()) {
            boot.register(ArtifactInstaller.class, new UnsafeDropIn(dir, new CodePaths(CheckCodeDirs.serverUid(boot))),
                    Map.of(Constants.SERVICE_RANKING, Integer.MAX_VALUE));
        }
        Optional<Bundle> fileinstall = boot.coreBundle(FILEINSTALL);
        if (fileinstall.isEmpty()) {
            throw new StartupException("bundles-dir: the distribution has no " + FILEINSTALL + " bundle in lib/core");
        }
        // "?": a multi-location configuration, delivered to FileInstall's bundle rather than bound to the kernel's
        Configuration watcher = configurations.getFactoryConfiguration(FILEINSTALL, CONFIGURATION_NAME, "?");
        var properties = new Hashtable<String, Object>();
        properties.put("felix.fileinstall.dir", dir.toString());
        properties.put("felix.fileinstall.poll", POLL_MS);
        properties.put("felix.fileinstall.noInitialDelay", "true");
        properties.put("felix.fileinstall.log.default", "jul");
        watcher.update(properties);
        fileinstall.get().start();
        awaitWatcher(dir);
        LOG.info("bundles-dir: watching {}", dir);
        return true;
    }

    /**
     * Waits until FileInstall watches {@code dir}: Configuration Admin hands it the configuration
     * on its own thread, and FileInstall then starts the directory's watcher thread (named
     * {@code fileinstall-DIR}) after its first scan. So the directory is watched once the log
     * says so, and an instance that ends right after its start stops no FileInstall halfway
     * through taking its configuration.
     */
    private static void awaitWatcher(Path dir) throws StartupException, InterruptedException {
        String name = "fileinstall-" + dir;
        long deadline = System.nanoTime() + WATCHER_TIMEOUT.toNanos();
        while (Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals(name))) {
            if (System.nanoTime() - deadline > 0) {
                throw new StartupException("bundles-dir " + dir + ": FileInstall did not take its configuration within "
                        + WATCHER_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(10);
        }
    }
}
