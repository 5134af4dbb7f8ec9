package org.uwsgi4j.kernel.dispatch;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.AppRuntime;

/**
 * The in-JVM {@link AppRuntime}s: which one serves each of the 256 modifiers, kept in step with
 * the service registry, and their one {@link JvmCores} target in the {@link DispatchTable}'s
 * slots of those modifiers. A runtime registered while the server runs is used at once (and
 * the first one starts the cores' threads); one unregistered leaves its slot empty. When two
 * runtimes claim one modifier, the one that came first keeps it (uWSGI lets the first loaded
 * plugin win too).
 */
@Component(service = Modifiers.class)
public final class Modifiers {

    private static final Logger LOG = LoggerFactory.getLogger(Modifiers.class);
    private final AtomicReferenceArray<Slot> slots = new AtomicReferenceArray<>(256);
    private final DispatchTable table;
    /** The cores, once the sockets are bound ({@link #startCores}); guarded by this. */
    private JvmCores cores;
    /** {@code --plugin-swap-grace}, set with the cores; guarded by this. */
    private Duration swapGrace = Duration.ZERO;

    @Activate
    public Modifiers(@Reference DispatchTable table) {
        this.table = table;
    }

    /** One occupied slot: the runtime and the plugin name it was registered with. */
    public record Slot(AppRuntime runtime, String plugin) {
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRuntime(AppRuntime runtime, Map<String, Object> props) {
        int modifier = modifierOf(props);
        if (modifier < 0) {
            LOG.warn("!!! ignoring AppRuntime without a valid {} property: {} !!!", AppRuntime.MODIFIER1, props.get(AppRuntime.MODIFIER1));
            return;
        }
        Slot slot = new Slot(runtime, String.valueOf(props.getOrDefault(AppRuntime.PLUGIN, "?")));
        if (!slots.compareAndSet(modifier, null, slot)) {
            LOG.warn("!!! modifier1 {} is already served by plugin {}; ignoring plugin {} !!!", modifier, slots.get(modifier).plugin(), slot.plugin());
            return;
        }
        synchronized (this) {
            if (cores != null) {
                bindCores(modifier);
            }
        }
    }

    /**
     * A runtime goes away (its bundle is stopped: updated, refreshed, removed). Its slot is held
     * for the swap grace ({@link DispatchTable#holdFor}): requests that come meanwhile wait for
     * the next runtime of that modifier, and those already queued for a core join them. The
     * requests the runtime has in hand finish before this returns (bounded by the grace), so the
     * service is released only then.
     */
    void unbindRuntime(AppRuntime runtime, Map<String, Object> props) {
        int modifier = modifierOf(props);
        Slot current = modifier < 0 ? null : slots.get(modifier);
        if (current == null || current.runtime() != runtime) {
            return;
        }
        JvmCores serving;
        Duration grace;
        synchronized (this) {
            serving = cores;
            grace = swapGrace;
            if (serving != null) {
                table.holdFor(modifier, serving, grace); // first: a core that finds no runtime hands its request back to the slot
                if (!grace.isZero()) {
                    LOG.info("modifier1 {}: plugin {} went away; its requests wait up to {} s for its next version (--plugin-swap-grace)",
                            modifier, current.plugin(), grace.toSeconds());
                }
            }
        }
        slots.compareAndSet(modifier, current, null);
        int inHand = serving == null ? 0 : serving.inHand(runtime);
        if (inHand > 0) {
            LOG.info("modifier1 {}: waiting for {} request(s) in hand of plugin {} before it goes", modifier, inHand, current.plugin());
            int left = serving.awaitIdle(runtime, grace);
            if (left > 0) {
                LOG.warn("!!! modifier1 {}: {} request(s) of plugin {} still in hand after --plugin-swap-grace; releasing it anyway !!!",
                        modifier, left, current.plugin());
            }
        }
    }

    /**
     * The in-JVM cores ({@code workers × threads}, a queue whose gate closes at
     * {@code queueCapacity}, {@code queueTimeoutNanos} its {@code --queue-timeout}), bound to
     * the table for every modifier with a runtime now or later; their threads start with the
     * first runtime. A runtime that goes away holds its slot for {@code swapGrace}
     * ({@code --plugin-swap-grace}). Called once the sockets are bound.
     */
    public synchronized JvmCores startCores(int workers, int threads, int queueCapacity, long queueTimeoutNanos,
                                            Duration swapGrace) {
        this.swapGrace = swapGrace;
        cores = new JvmCores(this, workers, threads, queueCapacity, queueTimeoutNanos);
        for (int m = 0; m < 256; m++) {
            if (slots.get(m) != null) {
                bindCores(m);
            }
        }
        return cores;
    }

    /** Takes {@code stopped} out of the table (the server closed). */
    public synchronized void stopCores(JvmCores stopped) {
        for (int m = 0; m < 256; m++) {
            table.unbind(m, stopped);
        }
        if (cores == stopped) {
            cores = null;
        }
        stopped.close();
    }

    /** The table the cores are bound into. */
    public DispatchTable table() {
        return table;
    }

    private void bindCores(int modifier) {
        if (table.bind(modifier, cores)) {
            cores.start();
        }
    }

    /** The runtime serving {@code modifier1} now, or null. */
    AppRuntime runtimeOrNull(int modifier1) {
        Slot slot = slots.get(modifier1 & 0xff);
        return slot == null ? null : slot.runtime();
    }

    /** Every occupied slot by modifier1, ascending. */
    public Map<Integer, Slot> occupied() {
        Map<Integer, Slot> map = new TreeMap<>();
        for (int i = 0; i < 256; i++) {
            Slot slot = slots.get(i);
            if (slot != null) {
                map.put(i, slot);
            }
        }
        return map;
    }

    private static int modifierOf(Map<String, Object> props) {
        Object value = props.get(AppRuntime.MODIFIER1);
        if (value instanceof Number n && n.intValue() >= 0 && n.intValue() <= 255) {
            return n.intValue();
        }
        return -1;
    }
}
