package org.uwsgi4j.kernel.boot;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Hashtable;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.launcher.api.KernelStartedBundles;

/**
 * Watches the drop-in directory that {@link PrepareDropIn} readied, with Apache Felix
 * FileInstall: a jar copied in is installed and started, replaced is updated, deleted is
 * uninstalled. It runs after the instance is ready, so that neither FileInstall nor
 * Configuration Admin stands between the start and the first request (both stay stopped until
 * then); a jar already in the directory, or copied in meanwhile, is installed by the first scan.
 * The directory is watched once the log says {@code bundles-dir: watching DIR}.
 *
 * <p>FileInstall is configured through Configuration Admin, which this step starts: one
 * factory configuration of FileInstall's {@code ManagedServiceFactory} ({@value #FILEINSTALL})
 * names the directory and how it is polled. The launcher gives FileInstall's own
 * framework-property watcher an empty list of directories, so this directory is the only one
 * watched.
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

    @Override
    public boolean run(Boot boot) throws StartupException, IOException, BundleException, InterruptedException {
        Path dir = boot.dropInDir();
        Bundle fileinstall = boot.coreBundle(FILEINSTALL).orElseThrow(() ->
                new StartupException("bundles-dir: the distribution has no " + FILEINSTALL + " bundle in lib/core"));
        Bundle configadmin = boot.coreBundle(KernelStartedBundles.CONFIGADMIN).orElseThrow(() ->
                new StartupException("bundles-dir: the distribution has no " + KernelStartedBundles.CONFIGADMIN + " bundle in lib/core"));
        configadmin.start();
        var tracker = new ServiceTracker<ConfigurationAdmin, ConfigurationAdmin>(boot.context, ConfigurationAdmin.class, null);
        tracker.open();
        boot.onStop(tracker::close);
        ConfigurationAdmin configurations = tracker.waitForService(WATCHER_TIMEOUT.toMillis());
        if (configurations == null) {
            throw new StartupException("bundles-dir: Configuration Admin did not start within " + WATCHER_TIMEOUT.toSeconds() + " s");
        }
        // "?": a multi-location configuration, delivered to FileInstall's bundle rather than bound to the kernel's
        Configuration watcher = configurations.getFactoryConfiguration(FILEINSTALL, CONFIGURATION_NAME, "?");
        var properties = new Hashtable<String, Object>();
        properties.put("felix.fileinstall.dir", dir.toString());
        properties.put("felix.fileinstall.poll", POLL_MS);
        properties.put("felix.fileinstall.noInitialDelay", "true");
        properties.put("felix.fileinstall.log.default", "jul");
        watcher.update(properties);
        fileinstall.start();
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
