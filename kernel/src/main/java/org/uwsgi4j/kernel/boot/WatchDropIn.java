package org.uwsgi4j.kernel.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.Optional;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the drop-in directory ({@code --bundles-dir}, default {@code bundles/} in the
 * distribution) with Apache Felix FileInstall: a jar copied in is installed and started,
 * replaced is updated, deleted is uninstalled ({@link DropInLog} logs each, {@link NotABundle}
 * refuses what is no bundle).
 *
 * <p>FileInstall is configured through Configuration Admin: one factory configuration of its
 * {@code ManagedServiceFactory} ({@value #FILEINSTALL}) names the directory and how it is
 * polled. The launcher starts FileInstall's own framework-property watcher on an empty list of
 * directories, so this directory is the only one watched.
 */
final class WatchDropIn implements BootStep {

    private static final Logger LOG = LoggerFactory.getLogger(WatchDropIn.class);
    /** FileInstall's bundle, and the factory PID of its directory watchers. */
    static final String FILEINSTALL = "org.apache.felix.fileinstall";
    /** The name of the kernel's factory configuration. */
    private static final String CONFIGURATION_NAME = "uwsgi4j-bundles-dir";
    /** How often the directory is scanned, in ms: a copied jar is active in under a second. */
    private static final String POLL_MS = "500";

    private final ConfigurationAdmin configurations;

    WatchDropIn(ConfigurationAdmin configurations) {
        this.configurations = configurations;
    }

    @Override
    public boolean run(Boot boot) throws StartupException, IOException, BundleException {
        Path dir = boot.kernel.bundlesDir().orElse(boot.home.resolve("bundles")).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StartupException("bundles-dir " + dir + ": cannot create it: " + e.getMessage());
        }
        var listener = new DropInLog(dir);
        boot.context.addBundleListener(listener);
        boot.onStop(() -> boot.context.removeBundleListener(listener));
        boot.register(ArtifactInstaller.class, new NotABundle(dir));
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
        LOG.info("bundles-dir: watching {}", dir);
        return true;
    }
}
