package org.uwsgi4j.kernel.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.AppRuntime;
import org.uwsgi4j.kernel.api.CheaperAlgorithm;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.api.WorkerCall;
import org.uwsgi4j.kernel.api.WorkerHost;
import org.uwsgi4j.kernel.api.WorkerRuntime;
import org.uwsgi4j.kernel.cheaper.CheaperAlgorithms;
import org.uwsgi4j.kernel.dispatch.DispatchTable;
import org.uwsgi4j.kernel.dispatch.Mounts;
import org.uwsgi4j.launcher.api.ProcessExit;

/**
 * Gives every {@link WorkerRuntime} service a worker pool, as they come and go: a language
 * plugin started at boot or dropped in later starts its workers when the configuration names
 * an app for it, and its target takes its modifier1's slot in the dispatch table; one that
 * goes away has its workers stopped, and its modifier becomes unavailable, unless the next
 * version of its plugin comes within {@code --plugin-swap-grace}: that one takes the workers over
 * with a graceful reload ({@link #takeOver}). The pools share the
 * registered {@link CheaperAlgorithm}s and {@link WorkerCall}s, which may come and go too.
 *
 * <p>A runtime that cannot serve the configuration (its {@link WorkerRuntime#problems}, or
 * {@link WorkerRuntime#workerHost} fails, or its workers cannot start):
 * <ul>
 * <li>one bound when this tracker activates, i.e. a plugin started with the server (the
 *     tracker activates when the boot publishes the master): the start-up ends, one line and
 *     exit code 1, as for a bad option value;</li>
 * <li>one bound later (dropped in, started from the shell): one line in the log, no workers,
 *     its modifier stays unavailable, and the server goes on.</li>
 * </ul>
 */
@Component(service = {})
public final class WorkerRuntimeTracker {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerRuntimeTracker.class);
    private final Map<WorkerRuntime, WorkerPool> pools = new ConcurrentHashMap<>();
    /** Where each pool's runtime came from. */
    private final Map<WorkerPool, Source> sources = new ConcurrentHashMap<>();
    /** By modifier1: the pools whose runtime went away, within their swap grace. Master thread. */
    private final Map<Integer, Orphan> orphans = new HashMap<>();
    private final CheaperAlgorithms algorithms = new CheaperAlgorithms();
    private final WorkerCalls calls = new WorkerCalls();
    /** Set once activated: a runtime bound from then on was not started with the server. */
    private volatile boolean activated;

    private final MasterLoop master;
    private final DispatchTable table;
    private final Options options;
    private final Mounts mounts;
    private final PoolSettings settings;
    private final BundleContext context;

    /**
     * @param options  handed to each runtime ({@link WorkerRuntime#workerHost}) with only its own {@code --mount}s
     * @param mounts   every mount and the plugin that claimed it
     * @param settings every pool's settings, parsed once by the kernel
     */
    @Activate
    public WorkerRuntimeTracker(BundleContext context, @Reference MasterLoop master, @Reference DispatchTable table,
                                @Reference Options options, @Reference Mounts mounts, @Reference PoolSettings settings) {
        this.context = context;
        this.master = master;
        this.table = table;
        this.options = options;
        this.mounts = mounts;
        this.settings = settings;
    }

    /** Called after the runtimes present at activation (the plugins started with the server) were bound. */
    @Activate
    void activated() {
        activated = true;
    }

    @Reference(service = WorkerRuntime.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRuntime(ServiceReference<?> reference, WorkerRuntime runtime) {
        added(runtime, reference.getProperty(AppRuntime.MODIFIER1), String.valueOf(reference.getProperty(AppRuntime.PLUGIN)),
                Source.of(reference.getBundle()));
    }

    void unbindRuntime(ServiceReference<?> reference, WorkerRuntime runtime) {
        removed(runtime);
    }

    /** A runtime came, of plugin {@code plugin} from {@code source}, for the modifier1 {@code modifier}. */
    void added(WorkerRuntime runtime, Object modifier, String plugin, Source source) {
        if (!(modifier instanceof Number modifier1)) {
            LOG.warn("!!! ignoring a WorkerRuntime without a {} property !!!", AppRuntime.MODIFIER1);
            return;
        }
        boolean atBoot = !activated;
        master.post(() -> start(runtime, modifier1.intValue(), plugin, source, atBoot));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindCall(WorkerCall call, Map<String, Object> props) {
        if (props.get(WorkerCall.NAME) instanceof String name) {
            calls.add(name, call);
        } else {
            LOG.warn("!!! ignoring a WorkerCall without a {} property !!!", WorkerCall.NAME);
        }
    }

    void unbindCall(WorkerCall call, Map<String, Object> props) {
        if (props.get(WorkerCall.NAME) instanceof String name) {
            calls.remove(name, call);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindCheaper(CheaperAlgorithm algorithm, Map<String, Object> props) {
        if (props.get(CheaperAlgorithm.NAME) instanceof String name) {
            algorithms.add(name, props.get(Constants.SERVICE_ID), algorithm);
        } else {
            LOG.warn("!!! ignoring a CheaperAlgorithm without a {} property !!!", CheaperAlgorithm.NAME);
        }
    }

    /** Takes the properties only: SCR does not get the service object again to unbind it. */
    void unbindCheaper(Map<String, Object> props) {
        if (props.get(CheaperAlgorithm.NAME) instanceof String name) {
            algorithms.remove(name, props.get(Constants.SERVICE_ID));
        }
    }

    /**
     * A runtime goes away. While the server runs, its plugin may be being swapped (updated,
     * refreshed, replaced by another version): its workers serve on, for up to
     * {@code --plugin-swap-grace}, and the next runtime of that modifier1 takes the pool over
     * ({@link #start}); when the grace passes first, the workers stop. A stopping framework
     * stops them at once.
     */
    void removed(WorkerRuntime runtime) {
        WorkerPool pool = pools.remove(runtime);
        if (pool == null) {
            return;
        }
        Duration grace = options.seconds("plugin-swap-grace");
        if (context.getBundle(0).getState() == Bundle.STOPPING || grace.isZero()) {
            stop(pool);
            return;
        }
        Source source = sources.remove(pool);
        LOG.info("modifier1 {}: its runtime went away; the workers serve on for up to {} s for its next version (--plugin-swap-grace)",
                pool.modifier1(), grace.toSeconds());
        Orphan orphan = new Orphan(pool, source);
        master.post(() -> {
            orphans.put(pool.modifier1(), orphan);
            master.postLater(() -> graceOver(orphan), grace);
        });
    }

    /** The grace of {@code orphan} passed with no runtime for its modifier1: its workers stop. Master thread. */
    private void graceOver(Orphan orphan) {
        if (orphans.remove(orphan.pool().modifier1(), orphan)) {
            Thread.ofVirtual().name("uwsgi4j-pool-stop-" + orphan.pool().modifier1()).start(() -> stop(orphan.pool()));
        }
    }

    /** Stops {@code pool}: its slot is empty; the requests in hand finish (bounded by the mercy). */
    private void stop(WorkerPool pool) {
        table.unbind(pool.modifier1(), pool.target());
        master.remove(pool);
        if (context.getBundle(0).getState() != Bundle.STOPPING) {
            LOG.info("stopping the workers of modifier1 {}: their runtime went away", pool.modifier1());
        }
        // synchronous: a stopping framework waits for the requests in hand (bounded by the mercy)
        pool.shutdown(settings.workerMercy());
    }

    /**
     * Starts the workers of {@code runtime}, on the master's thread; when it cannot serve the
     * configuration, ends the start-up ({@code atBoot}) or leaves it without workers.
     */
    private void start(WorkerRuntime runtime, int modifier1, String plugin, Source source, boolean atBoot) {
        for (WorkerPool running : pools.values()) {
            if (running.modifier1() == modifier1) {
                LOG.warn("!!! modifier1 {} is already served by {}; ignoring plugin {} {} !!!", modifier1, running.host().name(),
                        plugin, source.version());
                return;
            }
        }
        Orphan orphan = orphans.remove(modifier1);
        Optional<WorkerHost> host;
        try {
            var own = new OwnMounts(options, mounts.of(plugin));
            List<String> problems = runtime.problems(own);
            if (!problems.isEmpty()) {
                refuse(atBoot, "!!! " + plugin + ": cannot serve this configuration: " + String.join("; ", problems) + " !!!", orphan);
                return;
            }
            host = runtime.workerHost(own).map(h -> source.stamp(h));
        } catch (IOException | RuntimeException e) {
            refuse(atBoot, "!!! " + plugin + ": cannot prepare its workers: " + e.getMessage() + " !!!", orphan);
            return;
        }
        if (host.isEmpty()) {
            if (orphan != null) {
                orphans.put(modifier1, orphan); // this version serves no app: the grace runs out as if it never came
            }
            return;
        }
        if (orphan != null) {
            takeOver(orphan, runtime, plugin, host.get(), source);
            return;
        }
        WorkerPool pool = new WorkerPool(modifier1, host.get(), settings, master, algorithms, calls);
        try {
            pool.start();
            pools.put(runtime, pool);
            sources.put(pool, source);
            master.add(pool);
            table.bindApp(modifier1, pool.target());
        } catch (IOException e) {
            refuse(atBoot, "!!! " + plugin + ": cannot start its workers: " + e.getMessage() + " !!!", null);
        }
    }

    /**
     * {@code runtime} came within the grace of {@code orphan}, the pool of its modifier1 whose
     * runtime went away: it takes the pool over. A new version (another bundle, or the same one
     * updated) reloads the pool gracefully, as SIGHUP does: workers of the new host start and
     * take the queue, the old ones finish what they hold and retire. The same version back (a
     * refresh) with the same host changes nothing. Master thread.
     */
    private void takeOver(Orphan orphan, WorkerRuntime runtime, String plugin, WorkerHost host, Source source) {
        WorkerPool pool = orphan.pool();
        pools.put(runtime, pool);
        sources.put(pool, source);
        if (source.equals(orphan.source()) && host.equals(pool.host())) {
            LOG.info("modifier1 {}: plugin {} {} is back unchanged; its workers serve on", pool.modifier1(), plugin, source.version());
            return;
        }
        LOG.info("modifier1 {}: plugin {} swapped from {} to {}: ...gracefully reloading the workers...", pool.modifier1(), plugin,
                orphan.source() == null ? "?" : orphan.source().version(), source.version());
        pool.swapHost(host);
        pool.reload();
    }

    /**
     * One line; at boot the end of the start-up (exit code 1), later the server goes on without
     * this runtime: the {@code orphan} pool its modifier1 had serves on until its grace passes.
     */
    private void refuse(boolean atBoot, String line, Orphan orphan) {
        LOG.error(line);
        if (atBoot) {
            master.exit().accept(ProcessExit.FAILURE);
        } else if (orphan != null) {
            orphans.put(orphan.pool().modifier1(), orphan);
        }
    }

    /**
     * Where a runtime came from: its bundle, that bundle's last update, and its version. The
     * version is put into its hosts' environment as {@code UWSGI4J_PLUGIN_VERSION}.
     */
    record Source(long bundle, long lastModified, String version) {
        static Source of(Bundle bundle) {
            return new Source(bundle.getBundleId(), bundle.getLastModified(), bundle.getVersion().toString());
        }

        WorkerHost stamp(WorkerHost host) {
            Map<String, String> env = new HashMap<>(host.environment());
            env.put("UWSGI4J_PLUGIN_VERSION", version);
            return new WorkerHost(host.command(), env, host.directory(), host.name());
        }
    }

    /** A pool whose runtime went away, serving on for the swap grace; its runtime's source. */
    private record Orphan(WorkerPool pool, Source source) {
    }
}
