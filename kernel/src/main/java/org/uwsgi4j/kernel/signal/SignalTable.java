package org.uwsgi4j.kernel.signal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.Signals;
import org.uwsgi4j.kernel.api.WorkerCall;
import org.uwsgi4j.kernel.worker.MasterLoop;
import org.uwsgi4j.kernel.worker.WorkerPool;

/**
 * uWSGI's signal table (core/signal.c): 256 entries, each registered by an application with a
 * target and a handler that stays in the worker's memory; and the sources that raise them
 * besides the applications: timers ({@link SignalTimers}) and file monitors
 * ({@link FileMonitors}).
 *
 * <pre>
 *  uwsgi.signal(n) │ timer │ file monitor │ cron (plugin) │ shell ─▶ raise(n) ─▶ entry n
 *      ─▶ its pool ─▶ WorkerPool.deliverSignal(target) ─▶ a core of each target worker, between requests
 * </pre>
 *
 * A signal nobody registered goes, as in uWSGI, to one worker of the first pool, which holds no
 * handler for it: {@code error managing signal N on worker W}. Thread-safe.
 */
@Component(service = {Signals.class, SignalTable.class})
public final class SignalTable implements Signals {

    private static final Logger LOG = LoggerFactory.getLogger(SignalTable.class);
    /** The targets uWSGI has that uwsgi4j has not (yet): refused at registration, with why. */
    private static final Pattern NOT_YET = Pattern.compile("spooler|mules?[0-9]*|farm.*|subscribed");
    private static final Pattern TARGET = Pattern.compile("|worker|worker[0-9]+|workers|active-workers");

    private final MasterLoop master;
    private final AtomicReferenceArray<Entry> entries = new AtomicReferenceArray<>(256);
    private final SignalTimers timers;
    private final FileMonitors monitors;

    @Activate
    public SignalTable(@Reference MasterLoop master) {
        this.master = master;
        this.timers = new SignalTimers(System::nanoTime, this::raise);
        this.monitors = new FileMonitors(this::raise);
        timers.start();
    }

    @Deactivate
    void stop() {
        timers.close();
        monitors.close();
    }

    /**
     * Registers {@code signum} for {@code target}, its handler in {@code caller}'s memory (the
     * host's: every worker's). A worker registering what other workers registered with the same
     * target ({@code --lazy-apps}: each loads the app) adds itself to the holders; any other
     * registration replaces the earlier one (a reloaded app registers again).
     *
     * @throws IllegalArgumentException for a number out of 0-255 or a target uwsgi4j cannot serve
     */
    public void register(WorkerCall.Caller caller, int signum, String target) {
        check(signum);
        if (NOT_YET.matcher(target).matches()) {
            throw new IllegalArgumentException("signal target " + target + " is not supported by uwsgi4j yet (no spooler, mules or farms)");
        }
        if (!TARGET.matcher(target).matches()) {
            throw new IllegalArgumentException("unsupported signal target: " + target);
        }
        int wid = caller.workerId();
        entries.updateAndGet(signum, old -> old != null && wid != 0 && !old.holders.contains(0) && old.target.equals(target)
                && old.modifier1 == caller.modifier1() ? old.with(wid) : new Entry(target, caller.modifier1(), java.util.Set.of(wid)));
        LOG.info("[uwsgi-signal] signum {} registered (wid: {} modifier1: {} target: {})", signum, caller.workerId(),
                caller.modifier1(), target.isEmpty() ? "default, any worker" : target);
    }

    @Override
    public void raise(int signum) {
        check(signum);
        Entry e = entries.get(signum);
        List<WorkerPool> pools = master.pools();
        if (e == null) {
            if (pools.isEmpty()) {
                LOG.info("could not deliver signal {} to workers pool", signum);
            } else {
                pools.getFirst().deliverSignal(signum, "", wid -> true, () -> { });
            }
            return;
        }
        e.raised.incrementAndGet();
        for (WorkerPool p : pools) {
            if (p.modifier1() == e.modifier1) {
                p.deliverSignal(signum, e.target, wid -> e.holders.contains(0) || e.holders.contains(wid), e.handled::incrementAndGet);
                return;
            }
        }
        LOG.info("could not deliver signal {} to workers pool", signum);
    }

    @Override
    public boolean registered(int signum) {
        return signum >= 0 && signum < 256 && entries.get(signum) != null;
    }

    @Override
    public List<Registration> registrations() {
        List<Registration> all = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            Entry e = entries.get(i);
            if (e != null) {
                all.add(new Registration(i, e.target, e.modifier1, new java.util.TreeSet<>(e.holders), e.raised.get(), e.handled.get()));
            }
        }
        return all;
    }

    /** uwsgi.add_timer / add_rb_timer: raise {@code signum} every {@code seconds}, {@code iterations} times (0: for ever). */
    @Override
    public Source addTimer(int signum, int seconds, int iterations) {
        check(signum);
        if (seconds < 1) {
            throw new IllegalArgumentException("a timer needs a period of at least 1 second, got " + seconds);
        }
        return timers.add(signum, seconds, iterations);
    }

    /** uwsgi.add_file_monitor: raise {@code signum} when {@code path} (a file, or a directory's entries) changes. */
    @Override
    public Source addFileMonitor(int signum, String path) {
        check(signum);
        return monitors.add(signum, path);
    }

    static void check(int signum) {
        if (signum < 0 || signum > 255) {
            throw new IllegalArgumentException("signal " + signum + " out of range (0-255)");
        }
    }

    /** A registration: the workers whose memory holds the handler (0: every worker, the host's), its counters. */
    private static final class Entry {
        final String target;
        final int modifier1;
        final java.util.Set<Integer> holders;
        final AtomicLong raised;
        final AtomicLong handled;

        Entry(String target, int modifier1, java.util.Set<Integer> holders) {
            this(target, modifier1, holders, new AtomicLong(), new AtomicLong());
        }

        private Entry(String target, int modifier1, java.util.Set<Integer> holders, AtomicLong raised, AtomicLong handled) {
            this.target = target;
            this.modifier1 = modifier1;
            this.holders = holders;
            this.raised = raised;
            this.handled = handled;
        }

        /** The same registration, held by worker {@code wid} too (lazy workers each register theirs). */
        Entry with(int wid) {
            java.util.Set<Integer> more = new java.util.HashSet<>(holders);
            more.add(wid);
            return new Entry(target, modifier1, java.util.Set.copyOf(more), raised, handled);
        }
    }
}
