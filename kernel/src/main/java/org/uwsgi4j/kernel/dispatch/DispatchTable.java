package org.uwsgi4j.kernel.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The modifier1 table: 256 slots, each holding the {@link Target} that serves that modifier1,
 * pre-filled with an "unavailable modifier" null object, as uWSGI's {@code uwsgi.p[]} with its
 * {@code unconfigured_hook}. A request is looked up once, with no branch:
 *
 * <pre>
 *  table.target(modifier1).submit(request)
 *     slot ─▶ JvmCores (in-JVM AppRuntimes)  |  a worker pool's target  |  Unavailable (null object)
 * </pre>
 *
 * <p><b>The default app</b> (uWSGI's {@code unconfigured_hook} in core/uwsgi.c): a modifier1 0
 * request whose slot is empty goes to the default app's target, the first app still loaded
 * (a worker pool: only they load apps), so {@code --plugin psgi --http-socket :8080 --psgi
 * app.psgi} serves with no modifier option. With no app, or for any other empty slot:
 * {@code -- unavailable modifier requested: N --} and a 502.
 *
 * <p><b>Mounts across runtimes</b> ({@link #routeMounts}): when {@code --mount}s belong to more
 * than one runtime, slot 0 holds a {@link MountRouter} that picks each modifier1 0 request's
 * mount and hands it to that mount's runtime; modifier1 0's own runtime is then bound to a slot
 * beyond the 256 that only the router reads. A non-zero modifier1 still finds its runtime in
 * its slot. Without such mounts nothing changes (no router, no extra lookup).
 *
 * <p><b>Swaps</b> ({@link #holdFor}): a runtime going away while its plugin is updated holds its
 * slot for a grace ({@code --plugin-swap-grace}) with a {@link SwapHold}, so the requests that
 * come meanwhile wait for the next runtime rather than getting a 502.
 *
 * <p>The first target bound to a slot keeps it (uWSGI lets the first loaded plugin win);
 * a target is unbound by whoever bound it. Binding happens on any thread, rarely; looking up
 * on the connection threads, per request.
 */
@Component(service = DispatchTable.class)
public final class DispatchTable {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchTable.class);
    /** Where modifier1 0's runtime is bound while a {@link MountRouter} holds slot 0. */
    private static final int ROUTED_ZERO = 256;
    private final AtomicReferenceArray<Target> slots = new AtomicReferenceArray<>(257);
    private final Target[] unavailable = new Target[257];
    /** True once {@link #routeMounts} put a router into slot 0; guarded by this for writes. */
    private volatile boolean routed;
    /** The targets bound with {@link #bindApp}, in order; guarded by this. */
    private final List<Target> apps = new ArrayList<>();
    private volatile Target defaultApp;

    public DispatchTable() {
        for (int m = 0; m < 256; m++) {
            unavailable[m] = new Unavailable(m, this);
            slots.set(m, unavailable[m]);
        }
        unavailable[ROUTED_ZERO] = unavailable[0];
        slots.set(ROUTED_ZERO, unavailable[0]);
    }

    /** The target of {@code modifier1} now: never null. */
    public Target target(int modifier1) {
        return slots.get(modifier1 & 0xff);
    }

    /**
     * Puts {@code target} into slot {@code modifier1} unless another holds it (then warns; false).
     * A slot held for a swap ({@link #holdFor}) is taken too, and the requests it held go to
     * {@code target}.
     */
    public synchronized boolean bind(int modifier1, Target target) {
        int slot = slot(modifier1);
        if (slots.compareAndSet(slot, unavailable[slot], target)) {
            return true;
        }
        if (slots.get(slot) instanceof SwapHold hold && slots.compareAndSet(slot, hold, target)) {
            LOG.info("modifier1 {}: its next runtime took over; {} request(s) had waited for it", modifier1, hold.release(target));
            return true;
        }
        if (slots.get(slot) != target) {
            LOG.warn("!!! modifier1 {} is already served; ignoring a second runtime for it !!!", modifier1);
        }
        return false;
    }

    /**
     * {@link #bind}s the target of a loaded app (a worker pool), which may then serve as the
     * default app for modifier1 0.
     */
    public synchronized boolean bindApp(int modifier1, Target target) {
        if (!bind(modifier1, target)) {
            return false;
        }
        apps.add(target);
        defaultApp = apps.getFirst();
        return true;
    }

    /** Empties slot {@code modifier1} if {@code target} holds it. */
    public synchronized void unbind(int modifier1, Target target) {
        int slot = slot(modifier1);
        slots.compareAndSet(slot, target, unavailable[slot]);
        if (apps.remove(target)) {
            defaultApp = apps.isEmpty() ? null : apps.getFirst();
        }
    }

    /**
     * Empties slot {@code modifier1} as {@link #unbind} does when {@code target} holds it, but
     * through a swap: for up to {@code grace} the slot's requests are held
     * ({@link SwapHold}) rather than refused, and go to the target {@link #bind bound} next
     * within the grace; when the grace passes first, the slot is empty and they get the
     * unavailable answer. A zero grace is {@link #unbind}.
     */
    public synchronized void holdFor(int modifier1, Target target, Duration grace) {
        int slot = slot(modifier1);
        if (grace.isZero() || slots.get(slot) != target) {
            unbind(modifier1, target);
            return;
        }
        var hold = new SwapHold();
        slots.set(slot, hold);
        if (apps.remove(target)) {
            defaultApp = apps.isEmpty() ? null : apps.getFirst();
        }
        Thread.ofVirtual().name("uwsgi4j-swap-hold-" + modifier1).start(() -> {
            try {
                Thread.sleep(grace); // the grace's timer: the slot is decided by then
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            graceOver(slot, hold);
        });
    }

    /** The grace of {@code hold} passed: if it still holds {@code slot}, the slot is empty and the held are refused. */
    private void graceOver(int slot, SwapHold hold) {
        synchronized (this) {
            if (!slots.compareAndSet(slot, hold, unavailable[slot])) {
                return;
            }
        }
        LOG.info("modifier1 {}: no runtime came within --plugin-swap-grace", slot == ROUTED_ZERO ? 0 : slot);
        hold.release(unavailable[slot]);
    }

    /**
     * Puts a {@link MountRouter} over {@code mounts} into slot 0 when they belong to more than
     * one runtime ({@link Mounts#spanRuntimes}); modifier1 0's runtime, bound or to come, moves
     * behind it. Called once at start-up, before the apps load.
     */
    public synchronized void routeMounts(Mounts mounts) {
        if (routed || !mounts.spanRuntimes()) {
            return;
        }
        slots.set(ROUTED_ZERO, slots.get(0));
        slots.set(0, new MountRouter(mounts, this));
        routed = true;
    }

    /**
     * Sheds, in every target, the requests that waited longer than {@code --queue-timeout}
     * (called about once a second); each target is swept once.
     */
    public void expireAll() {
        java.util.Set<Target> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int slot = 0; slot < slots.length(); slot++) {
            Target t = slots.get(slot);
            if (seen.add(t)) {
                t.expire();
            }
        }
    }

    /**
     * Requests waiting for a core in every target now, each queue counted once (the null
     * objects and the mount router only lead to other targets' queues).
     */
    public int queued() {
        java.util.Set<Target> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        int queued = 0;
        for (int slot = 0; slot < slots.length(); slot++) {
            Target t = slots.get(slot);
            if (!(t instanceof Unavailable) && !(t instanceof MountRouter) && seen.add(t)) { // a SwapHold counts what it holds
                queued += t.queued();
            }
        }
        return queued;
    }

    /** For the {@link MountRouter}: the runtime's target of {@code modifier1} behind it. */
    Target routed(int modifier1) {
        return slots.get(modifier1 == 0 ? ROUTED_ZERO : modifier1 & 0xff);
    }

    private int slot(int modifier1) {
        return modifier1 == 0 && routed ? ROUTED_ZERO : modifier1;
    }

    /** The default app's target (see the class comment), or null. */
    Target defaultApp() {
        return defaultApp;
    }
}
