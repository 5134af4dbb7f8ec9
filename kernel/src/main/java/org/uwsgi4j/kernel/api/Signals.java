package org.uwsgi4j.kernel.api;

import java.util.List;

/**
 * uWSGI's signal framework, offered by the kernel as a service (docs/signals.md): 256 signals,
 * each registered by an application in a worker with a target ({@code workers}, {@code worker2}
 * …) and a handler that lives in the worker's language. Raising one delivers it to its target
 * worker(s) between requests; the worker runs the handler.
 *
 * <p>Plugins raise signals on their own schedule (plugin-cron's {@code uwsgi.add_cron}); the
 * shell lists them. Thread-safe; never blocks on a worker.
 */
public interface Signals {

    /**
     * Raises signal {@code signum} (0-255) as uWSGI's master routes it: to the target its
     * registration named. A signal nobody registered is logged as uWSGI logs it and dropped.
     *
     * @throws IllegalArgumentException when {@code signum} is not in 0-255
     */
    void raise(int signum);

    /**
     * Raises {@code signum} every {@code seconds} seconds, {@code iterations} times (0: for
     * ever), on the monotonic clock and without drift (uWSGI's timers and rb timers). The same
     * timer added twice is one timer.
     *
     * @return what removes it (a plugin that goes away closes the timers it added)
     * @throws IllegalArgumentException for a number out of 0-255 or a period under 1 second
     */
    Source addTimer(int signum, int seconds, int iterations);

    /**
     * Raises {@code signum} when {@code path} changes: a directory when an entry in it is
     * created, changed or deleted; a file when it is (uWSGI's file monitors).
     *
     * @return what removes it
     * @throws IllegalArgumentException when the path cannot be watched
     */
    Source addFileMonitor(int signum, String path);

    /** A timer or file monitor added: {@link #close} removes it (again: nothing). */
    interface Source extends AutoCloseable {
        @Override
        void close();
    }

    /** True when an application registered {@code signum}. */
    boolean registered(int signum);

    /** The registered signals, in number order. */
    List<Registration> registrations();

    /**
     * One registered signal: its number, target ({@code ""} is uWSGI's default, any one
     * worker), the modifier1 of the pool whose workers hold its handler, the workers that
     * registered it ({@code [0]}: the preforking host, so every worker it forks; with
     * {@code --lazy-apps} each worker registers its own), and how many times it was raised and
     * how many times a worker ran its handler.
     */
    record Registration(int signum, String target, int modifier1, java.util.SortedSet<Integer> workers, long raised, long handled) {
    }
}
