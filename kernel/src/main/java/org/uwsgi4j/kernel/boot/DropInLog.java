package org.uwsgi4j.kernel.boot;

import java.net.URI;
import java.nio.file.Path;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one line for each life-cycle event of a bundle that came from the drop-in directory:
 * {@code bundles-dir: installed org.example.foo 1.0.0 (file:/…/bundles/foo.jar)}. Files in
 * the directory that are no bundles are reported by {@link NotABundle}.
 */
final class DropInLog implements BundleListener {

    private static final Logger LOG = LoggerFactory.getLogger(DropInLog.class);
    private final Path dir;

    /** Logs for bundles whose location is a file in {@code dir} (absolute, normalized). */
    DropInLog(Path dir) {
        this.dir = dir;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        if (!inDir(bundle.getLocation())) {
            return;
        }
        String what = switch (event.getType()) {
            case BundleEvent.INSTALLED -> "installed";
            case BundleEvent.STARTED -> "started";
            case BundleEvent.STOPPED -> "stopped";
            case BundleEvent.UPDATED -> "updated";
            case BundleEvent.UNINSTALLED -> "uninstalled";
            default -> null;
        };
        if (what != null) {
            LOG.info("bundles-dir: {} {} {} ({})", what, bundle.getSymbolicName(), bundle.getVersion(), bundle.getLocation());
        }
    }

    private boolean inDir(String location) {
        if (!location.startsWith("file:")) {
            return false;
        }
        try {
            return Path.of(URI.create(location)).normalize().startsWith(dir);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
