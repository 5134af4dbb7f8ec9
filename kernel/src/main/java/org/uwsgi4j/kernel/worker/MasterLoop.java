package org.uwsgi4j.kernel.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.WorkerDeathWatcher;

/**
 * The master: the one thread that changes the state of the worker pools. Everything else
 * (signals, worker channels, process exits, the shell) only posts events to it.
 *
 * <pre>
 *  while (running) {
 *      applyEvents();      // exits, hellos, reload, shutdown … (waits up to 1 s for the first)
 *      runDueTimers();     // delayed respawns, mercy deadlines
 *      checkTouched();     // --touch-reload and friends
 *      killHungWorkers();  // harakiri, --evil-reload-on-rss
 *      recycleAged();      // --max-worker-lifetime
 *      closeRetired();     // generations whose processes are all gone
 *      manageWorkers();    // the cheaper cycle
 *  }
 * </pre>
 *
 * Time and processes come through {@link Clock} and {@link Processes}, so that the loop, turned
 * by a test ({@link #turn}), runs the pools' decisions with a fake clock and fake processes.
 */
public final class MasterLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MasterLoop.class);

    private final LinkedBlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
    private final List<WorkerPool> pools = new CopyOnWriteArrayList<>();
    private final List<Timer> timers = new ArrayList<>();
    private final RuntimeDir runtimeDir;
    private final java.util.function.IntConsumer exit;
    private final Clock clock;
    private final Processes processes;
    private Thread thread;
    private volatile boolean running = true;

    /** Idle, the loop wakes up once a second; with timers pending, every 50 ms. */
    private static final long IDLE_WAIT_MS = 1000;
    private static final long TIMER_WAIT_MS = 50;

    /** A delayed event. */
    private record Timer(long dueNanos, Runnable event) {
    }

    /**
     * @param runtimeDir where the worker sockets live
     * @param exit       how to end the instance with an exit code (e.g. --need-app)
     */
    public MasterLoop(RuntimeDir runtimeDir, java.util.function.IntConsumer exit) {
        this(runtimeDir, exit, Clock.SYSTEM, new SystemProcesses());
        thread = Thread.ofPlatform().name("uwsgi4j-master").start(this::loop);
    }

    /** A master with no thread of its own: the caller turns it ({@link #turn}) on its thread. */
    MasterLoop(RuntimeDir runtimeDir, java.util.function.IntConsumer exit, Clock clock, Processes processes) {
        this.runtimeDir = runtimeDir;
        this.exit = exit;
        this.clock = clock;
        this.processes = processes;
    }

    RuntimeDir runtimeDir() {
        return runtimeDir;
    }

    Clock clock() {
        return clock;
    }

    Processes processes() {
        return processes;
    }

    java.util.function.IntConsumer exit() {
        return exit;
    }

    /**
     * The server is shutting down: from now on no pool replaces a worker or host that exits
     * (they may have had the signal too). The pools are stopped by {@link #shutdown}.
     */
    public void shutdownRequested() {
        pools.forEach(WorkerPool::shutdownRequested);
    }

    /** Reloads every pool gracefully (SIGHUP, --touch-reload, uwsgi:reload), after the {@link #onReload} actions. */
    public void reloadAll() {
        reloadActions.forEach(Runnable::run);
        pools.forEach(WorkerPool::reload);
    }

    /** Runs {@code action} at each {@link #reloadAll} before the pools reload ({@code --log-reopen}). */
    public void onReload(Runnable action) {
        reloadActions.add(action);
    }

    private final List<Runnable> reloadActions = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Calls {@code watcher} (on this thread) each time a worker of any pool dies on its own (uWSGI's DAMN line). */
    public void onWorkerDeath(WorkerDeathWatcher watcher) {
        deathWatchers.add(watcher);
    }

    private final List<WorkerDeathWatcher> deathWatchers = new CopyOnWriteArrayList<>();

    /** Master thread: worker {@code workerId} of the pool of {@code modifier1} died on its own; tells the watchers. */
    void workerDied(int modifier1, int workerId, long pid, int signal, int status) {
        for (var w : deathWatchers) {
            try {
                w.died(modifier1, workerId, pid, signal, status);
            } catch (RuntimeException e) {
                LOG.warn("!!! a worker death watcher failed: {} !!!", e.toString());
            }
        }
    }

    /** Recycles the worker whose process is {@code pid} gracefully, in whichever pool it serves (uwsgi4j's recycle call). */
    public void recycle(long pid, String why) {
        for (WorkerPool p : pools) {
            if (p.recycle(pid, why)) {
                return;
            }
        }
    }

    /** Reloads every pool one worker at a time (--touch-chain-reload; needs --lazy-apps). */
    public void chainReloadAll() {
        pools.forEach(p -> p.reload(true));
    }

    /**
     * Calls {@code touched} (on this thread) whenever one of {@code files} gets a new
     * modification time ({@code --touch-reload}); checked about once a second.
     */
    public void watchTouch(List<java.nio.file.Path> files, java.util.function.Consumer<java.nio.file.Path> touched) {
        java.util.Map<java.nio.file.Path, Long> seen = new java.util.HashMap<>();
        for (var f : files) {
            seen.put(f, mtime(f));
        }
        post(() -> touchWatches.add(() -> {
            for (var f : files) {
                long now = mtime(f);
                if (now != seen.get(f)) {
                    seen.put(f, now);
                    touched.accept(f);
                }
            }
        }));
    }

    private final List<Runnable> touchWatches = new ArrayList<>();

    private static long mtime(java.nio.file.Path f) {
        try {
            return java.nio.file.Files.getLastModifiedTime(f).toMillis();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** Removes a pool (its runtime went away); the caller shuts it down. */
    public void remove(WorkerPool pool) {
        pools.remove(pool);
    }

    /** Adds a pool whose ticks this loop drives. */
    public void add(WorkerPool pool) {
        pools.add(pool);
    }

    /**
     * The pools, read-only, from any thread; an iteration sees them as they were when it began
     * (a copy-on-write list: nothing is copied per call, which the request path relies on).
     */
    public List<WorkerPool> pools() {
        return java.util.Collections.unmodifiableList(pools);
    }

    /** Runs {@code event} on the master thread, in order. */
    public void post(Runnable event) {
        events.add(event);
    }

    /** Runs {@code event} on the master thread after {@code delay}. */
    void postLater(Runnable event, Duration delay) {
        post(() -> timers.add(new Timer(clock.nanoTime() + delay.toNanos(), event)));
    }

    private void loop() {
        while (running) {
            try {
                turn(timers.isEmpty() ? IDLE_WAIT_MS : TIMER_WAIT_MS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("!!! master: internal error !!!", e);
            }
        }
    }

    /** One turn of the loop: its verbs in order, the events awaited up to {@code waitMillis} first. */
    void turn(long waitMillis) throws InterruptedException {
        applyEvents(waitMillis);
        runDueTimers();
        checkTouched();
        killHungWorkers();
        recycleAged();
        closeRetired();
        manageWorkers();
    }

    /** Runs the posted events in order, waiting up to {@code waitMillis} for the first. */
    private void applyEvents(long waitMillis) throws InterruptedException {
        Runnable event = events.poll(waitMillis, TimeUnit.MILLISECONDS);
        while (event != null) {
            apply(event);
            event = events.poll();
        }
    }

    private void apply(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException e) {
            LOG.error("!!! master: an event failed !!!", e);
        }
    }

    /** Runs the delayed events whose time has come (respawns after a throttle, mercy deadlines). */
    private void runDueTimers() {
        long now = clock.nanoTime();
        List<Timer> due = new ArrayList<>();
        timers.removeIf(t -> now - t.dueNanos() >= 0 && due.add(t));
        for (Timer t : due) {
            apply(t.event());
        }
    }

    /** Runs the --touch-reload watches: each acts when one of its files got a new modification time. */
    private void checkTouched() {
        touchWatches.forEach(Runnable::run);
    }

    /** Harakiri and --evil-reload-on-rss: kills the workers that hang or grew too big. */
    private void killHungWorkers() {
        pools.forEach(WorkerPool::killHungWorkers);
    }

    /** --max-worker-lifetime: recycles the workers that lived long enough. */
    private void recycleAged() {
        pools.forEach(WorkerPool::recycleAged);
    }

    /** Closes the retired generations whose processes are all gone (their sockets go with them). */
    private void closeRetired() {
        pools.forEach(WorkerPool::closeRetired);
    }

    /** The cheaper cycle of each pool: the number of running workers follows its algorithm. */
    private void manageWorkers() {
        pools.forEach(WorkerPool::manageWorkers);
    }

    /** Stops every pool (requests in hand finish within {@code mercy}), then the loop. */
    public void shutdown(Duration mercy) {
        for (WorkerPool pool : pools) {
            pool.shutdown(mercy);
        }
        close();
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
