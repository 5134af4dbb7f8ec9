package org.uwsgi4j.kernel.boot;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.plugin.PluginJars;

/**
 * One version of a plugin runs at a time: a plugin bundle (one with the {@code uwsgi4j.plugin}
 * capability) that starts with the symbolic name of one that runs (a newer plugin-python dropped into the drop-in directory, or installed from the
 * shell) replaces it, and the one it replaced comes back when it goes away. Each runtime's swap
 * is then the usual one ({@code --plugin-swap-grace}: the requests wait, a worker pool reloads).
 *
 * <pre>
 *  INSTALLED  newcomer N, same name as running R ─▶ cannot resolve? one line; R serves on (N never starts)
 *  STARTING   N (so N has resolved)               ─▶ "plugin NAME: R replaced by N"; R stopped (transient)
 *  STOPPED    N before it STARTED (failed start)  ─▶ R started again: "N could not start; R back"
 *  UNINSTALLED N                                  ─▶ R started again: "N went away; R back"
 * </pre>
 *
 * The old version is stopped only once the new one has resolved (Bundle.start resolves before
 * it fires STARTING), so a newcomer that cannot resolve never stops the running one. A newcomer
 * updated in place (FileInstall's replaced jar) keeps the one it replaced in reserve.
 * Synchronous: the events come on the thread that installs, starts or uninstalls.
 */
final class PluginReplacement implements SynchronousBundleListener {

    private static final Logger LOG = LoggerFactory.getLogger(PluginReplacement.class);

    private final BundleContext context;
    /** Newcomer bundle id ─▶ the id of the bundle it replaced. */
    private final Map<Long, Long> replaced = new ConcurrentHashMap<>();
    /** Newcomers that replaced a bundle and have not STARTED yet. */
    private final Set<Long> starting = ConcurrentHashMap.newKeySet();

    PluginReplacement(BundleContext context) {
        this.context = context;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        switch (event.getType()) {
            case BundleEvent.INSTALLED -> running(bundle).ifPresent(r -> checkResolvable(r, bundle));
            case BundleEvent.STARTING -> running(bundle).ifPresent(r -> replace(r, bundle));
            case BundleEvent.STARTED -> starting.remove(bundle.getBundleId());
            case BundleEvent.STOPPED -> {
                if (starting.remove(bundle.getBundleId())) {
                    restore(bundle, "could not start");
                }
            }
            case BundleEvent.UNINSTALLED -> restore(bundle, "went away");
            default -> { }
        }
    }

    /**
     * The other bundle of {@code bundle}'s symbolic name that is active now, if any, when
     * {@code bundle} is a uwsgi4j plugin (the framework's own bundles are never replaced so).
     */
    private Optional<Bundle> running(Bundle bundle) {
        String name = bundle.getSymbolicName();
        if (name == null || !isPlugin(bundle)) {
            return Optional.empty();
        }
        for (Bundle other : context.getBundles()) {
            if (other.getBundleId() != bundle.getBundleId() && name.equals(other.getSymbolicName())
                    && (other.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
                return Optional.of(other);
            }
        }
        return Optional.empty();
    }

    private static boolean isPlugin(Bundle bundle) {
        try {
            return PluginJars.read(bundle).isPresent();
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }

    private void replace(Bundle running, Bundle newcomer) {
        LOG.info("plugin {}: {} replaced by {} ({})", newcomer.getSymbolicName(), running.getVersion(), newcomer.getVersion(),
                newcomer.getLocation());
        replaced.put(newcomer.getBundleId(), running.getBundleId());
        starting.add(newcomer.getBundleId());
        try {
            running.stop(Bundle.STOP_TRANSIENT);
        } catch (BundleException | IllegalStateException e) {
            LOG.warn("!!! plugin {}: cannot stop {}: {} !!!", running.getSymbolicName(), running.getVersion(), e.getMessage());
        }
    }

    /** {@code newcomer} stopped or went: the bundle it replaced starts again, unless another version runs. */
    private void restore(Bundle newcomer, String why) {
        Long id = replaced.remove(newcomer.getBundleId());
        Bundle previous = id == null ? null : context.getBundle(id);
        if (previous == null || previous.getState() == Bundle.UNINSTALLED || running(newcomer).isPresent()) {
            return;
        }
        LOG.info("plugin {}: {} {}; {} back", previous.getSymbolicName(), newcomer.getVersion(), why, previous.getVersion());
        try {
            previous.start(Bundle.START_TRANSIENT);
        } catch (BundleException | IllegalStateException e) {
            LOG.error("!!! plugin {}: {} cannot start again: {} !!!", previous.getSymbolicName(), previous.getVersion(), e.getMessage());
        }
    }

    /**
     * Says in one line why {@code newcomer} cannot replace {@code running} when a package it
     * needs is exported by nobody: it will not resolve, so it never starts and {@code running}
     * serves on.
     */
    private void checkResolvable(Bundle running, Bundle newcomer) {
        BundleRevision revision = newcomer.adapt(BundleRevision.class);
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        if (revision == null || wiring == null) {
            return;
        }
        List<String> missing = new ArrayList<>();
        for (BundleRequirement requirement : revision.getDeclaredRequirements(PackageNamespace.PACKAGE_NAMESPACE)) {
            boolean optional = Namespace.RESOLUTION_OPTIONAL.equals(requirement.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE));
            if (!optional && wiring.findProviders(requirement).isEmpty()) {
                missing.add(requirement.getDirectives().get(Namespace.REQUIREMENT_FILTER_DIRECTIVE));
            }
        }
        if (!missing.isEmpty()) {
            LOG.error("!!! plugin {}: not replacing {} by {}: it cannot resolve: nothing exports {} !!!", newcomer.getSymbolicName(),
                    running.getVersion(), newcomer.getVersion(), String.join(", ", missing));
        }
    }
}
