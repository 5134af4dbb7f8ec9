package org.uwsgi4j.kernel.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master: the one thread that changes the state of the worker pools. Everything else
 * (signals, worker channels, process exits, the shell) only posts events to it.
 *
 * <pre>
 *  while (running) {
 *      for (event : events.poll(1 s)) apply(event);   // exits, hellos, reload, shutdown …
 *      runDueTimers();                                // delayed respawns, mercy deadlines
 *      touchWatches.forEach(Runnable::run);           // --touch-reload and friends
 *      pools.forEach(WorkerPool::tick);               // harakiri, lifetime, retired generations
 *  }
 * </pre>
 */
public final class MasterLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MasterLoop.class);

    private final LinkedBlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
    private final List<WorkerPool> pools = new CopyOnWriteArrayList<>();
    private final List<Timer> timers = new ArrayList<>();
    private final Thread thread;
    private final RuntimeDir runtimeDir;
    private final java.util.function.IntConsumer exit;
    private volatile boolean running = true;

    /** A delayed event. */
    private record Timer(long dueNanos, Runnable event) {
    }

    /**
     * @param runtimeDir where the worker sockets live
     * @param exit       how to end the instance with an exit code (e.g. --need-app)
     */
    public MasterLoop(RuntimeDir runtimeDir, java.util.function.IntConsumer exit) {
        this.runtimeDir = runtimeDir;
        this.exit = exit;
        thread = Thread.ofPlatform().name("uwsgi4j-master").start(this::loop);
    }

    RuntimeDir runtimeDir() {
        return runtimeDir;
    }

    java.util.function.IntConsumer exit() {
        return exit;
    }

    /** Reloads every pool gracefully (SIGHUP, --touch-reload, uwsgi:reload). */
    public void reloadAll() {
        pools.forEach(WorkerPool::reload);
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
        post(() -> timers.add(new Timer(System.nanoTime() + delay.toNanos(), event)));
    }

    private void loop() {
        while (running) {
            try {
                Runnable event = events.poll(timers.isEmpty() ? 1000 : 50, TimeUnit.MILLISECONDS);
                while (event != null) {
                    apply(event);
                    event = events.poll();
                }
                runDueTimers();
                touchWatches.forEach(Runnable::run);
                pools.forEach(WorkerPool::tick);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("!!! master: internal error !!!", e);
            }
        }
    }

    private void apply(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException e) {
            LOG.error("!!! master: an event failed !!!", e);
        }
    }

    private void runDueTimers() {
        long now = System.nanoTime();
        List<Timer> due = new ArrayList<>();
        timers.removeIf(t -> now - t.dueNanos() >= 0 && due.add(t));
        for (Timer t : due) {
            apply(t.event());
        }
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
        thread.interrupt();
    }
}
