package org.uwsgi4j.kernel.worker;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
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
 * goes away has its workers stopped, and its modifier becomes unavailable. The pools share the
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

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRuntime(WorkerRuntime runtime, Map<String, Object> props) {
        if (!(props.get(AppRuntime.MODIFIER1) instanceof Number modifier)) {
            LOG.warn("!!! ignoring a WorkerRuntime without a {} property !!!", AppRuntime.MODIFIER1);
            return;
        }
        boolean atBoot = !activated;
        master.post(() -> start(runtime, modifier.intValue(), String.valueOf(props.get(AppRuntime.PLUGIN)), atBoot));
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
            algorithms.add(name, algorithm);
        } else {
            LOG.warn("!!! ignoring a CheaperAlgorithm without a {} property !!!", CheaperAlgorithm.NAME);
        }
    }

    void unbindCheaper(CheaperAlgorithm algorithm, Map<String, Object> props) {
        if (props.get(CheaperAlgorithm.NAME) instanceof String name) {
            algorithms.remove(name, algorithm);
        }
    }

    void unbindRuntime(WorkerRuntime runtime) {
        WorkerPool pool = pools.remove(runtime);
        if (pool != null) {
            table.unbind(pool.modifier1(), pool.target());
            master.remove(pool);
            if (context.getBundle(0).getState() != Bundle.STOPPING) {
                LOG.info("stopping the workers of modifier1 {}: their runtime went away", pool.modifier1());
            }
            // synchronous: a stopping framework waits for the requests in hand (bounded by the mercy)
            pool.shutdown(settings.workerMercy());
        }
    }

    /**
     * Starts the workers of {@code runtime}, on the master's thread; when it cannot serve the
     * configuration, ends the start-up ({@code atBoot}) or leaves it without workers.
     */
    private void start(WorkerRuntime runtime, int modifier1, String plugin, boolean atBoot) {
        Optional<WorkerHost> host;
        try {
            var own = new OwnMounts(options, mounts.of(plugin));
            List<String> problems = runtime.problems(own);
            if (!problems.isEmpty()) {
                refuse(atBoot, "!!! " + plugin + ": cannot serve this configuration: " + String.join("; ", problems) + " !!!");
                return;
            }
            host = runtime.workerHost(own);
        } catch (IOException | RuntimeException e) {
            refuse(atBoot, "!!! " + plugin + ": cannot prepare its workers: " + e.getMessage() + " !!!");
            return;
        }
        if (host.isEmpty()) {
            return;
        }
        WorkerPool pool = new WorkerPool(modifier1, host.get(), settings, master, algorithms, calls);
        try {
            pool.start();
            pools.put(runtime, pool);
            master.add(pool);
            table.bindApp(modifier1, pool.target());
        } catch (IOException e) {
            refuse(atBoot, "!!! " + plugin + ": cannot start its workers: " + e.getMessage() + " !!!");
        }
    }

    /** One line; at boot the end of the start-up (exit code 1), later the server goes on without this runtime. */
    private void refuse(boolean atBoot, String line) {
        LOG.error(line);
        if (atBoot) {
            master.exit().accept(ProcessExit.FAILURE);
        }
    }
}
