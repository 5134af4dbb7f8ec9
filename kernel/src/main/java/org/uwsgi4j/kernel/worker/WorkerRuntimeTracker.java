package org.uwsgi4j.kernel.worker;

import java.io.IOException;
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
import org.uwsgi4j.kernel.api.WorkerHost;
import org.uwsgi4j.kernel.api.WorkerRuntime;
import org.uwsgi4j.kernel.cheaper.CheaperAlgorithms;
import org.uwsgi4j.kernel.dispatch.DispatchTable;
import org.uwsgi4j.kernel.dispatch.Mounts;

/**
 * Gives every {@link WorkerRuntime} service a worker pool, as they come and go: a language
 * plugin started at boot or dropped in later starts its workers when the configuration names
 * an app for it, and its target takes its modifier1's slot in the dispatch table; one that
 * goes away has its workers stopped, and its modifier becomes unavailable. The pools share the registered {@link CheaperAlgorithm}s, which may come and go too.
 */
@Component(service = {})
public final class WorkerRuntimeTracker {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerRuntimeTracker.class);
    private final Map<WorkerRuntime, WorkerPool> pools = new ConcurrentHashMap<>();
    private final CheaperAlgorithms algorithms = new CheaperAlgorithms();

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

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRuntime(WorkerRuntime runtime, Map<String, Object> props) {
        if (!(props.get(AppRuntime.MODIFIER1) instanceof Number modifier)) {
            LOG.warn("!!! ignoring a WorkerRuntime without a {} property !!!", AppRuntime.MODIFIER1);
            return;
        }
        master.post(() -> start(runtime, modifier.intValue(), String.valueOf(props.get(AppRuntime.PLUGIN))));
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

    private void start(WorkerRuntime runtime, int modifier1, String plugin) {
        Optional<WorkerHost> host;
        try {
            host = runtime.workerHost(new OwnMounts(options, mounts.of(plugin)));
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("!!! {}: cannot prepare its workers: {} !!!", plugin, e.getMessage());
            return;
        }
        if (host.isEmpty()) {
            return;
        }
        WorkerPool pool = new WorkerPool(modifier1, host.get(), settings, master, algorithms);
        try {
            pool.start();
            pools.put(runtime, pool);
            master.add(pool);
            table.bindApp(modifier1, pool.target());
        } catch (IOException e) {
            LOG.error("!!! {}: cannot start its workers: {} !!!", plugin, e.getMessage());
        }
    }
}
