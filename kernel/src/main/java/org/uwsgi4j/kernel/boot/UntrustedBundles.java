package org.uwsgi4j.kernel.boot;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.security.CodePaths;

/**
 * The framework-wide backstop of the code checks: a bundle installed or updated from a file
 * that is unsafe by {@link CodePaths}' rule at that moment never resolves, so none of its code
 * runs. It catches what the checks at the doors cannot see: a jar FileInstall installed while it
 * was safe, made unsafe and rewritten later (FileInstall updates it), or a bundle installed
 * through the shell's Java calls rather than its {@code install} command.
 *
 * <pre>
 *  INSTALLED, UPDATED ─▶ location a file (file:, reference:file:)? ── no ──▶ left alone
 *                           │ yes
 *                           ├─ safe   ─▶ may resolve
 *                           └─ unsafe ─▶ one log line; filtered out of every resolve
 *  UNINSTALLED        ─▶ forgotten
 * </pre>
 */
final class UntrustedBundles implements SynchronousBundleListener, ResolverHookFactory {

    private static final Logger LOG = LoggerFactory.getLogger(UntrustedBundles.class);

    private final CodePaths paths;
    /** Bundle id ─▶ why its file was unsafe when it was installed or last updated. */
    private final Map<Long, String> refused = new ConcurrentHashMap<>();

    UntrustedBundles(CodePaths paths) {
        this.paths = paths;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        switch (event.getType()) {
            case BundleEvent.INSTALLED, BundleEvent.UPDATED -> judge(bundle);
            case BundleEvent.UNINSTALLED -> refused.remove(bundle.getBundleId());
            default -> { }
        }
    }

    private void judge(Bundle bundle) {
        Optional<String> problem = CodePaths.file(bundle.getLocation()).flatMap(paths::problem);
        if (problem.isEmpty()) {
            refused.remove(bundle.getBundleId());
            return;
        }
        refused.put(bundle.getBundleId(), problem.get());
        LOG.warn("*** {} {} ({}) will not be resolved: unsafe: {} ***", bundle.getSymbolicName(), bundle.getVersion(),
                bundle.getLocation(), problem.get());
    }

    @Override
    public ResolverHook begin(Collection<BundleRevision> triggers) {
        return new ResolverHook() {
            @Override
            public void filterResolvable(Collection<BundleRevision> candidates) {
                candidates.removeIf(r -> refused.containsKey(r.getBundle().getBundleId()));
            }

            @Override
            public void filterSingletonCollisions(BundleCapability singleton, Collection<BundleCapability> collisionCandidates) {
                // no opinion
            }

            @Override
            public void filterMatches(BundleRequirement requirement, Collection<BundleCapability> candidates) {
                // no opinion
            }

            @Override
            public void end() {
                // nothing held
            }
        };
    }
}
