package org.uwsgi4j.kernel.api;

/**
 * Told when a worker process died on its own (not stopped by the master: no harakiri, reload,
 * recycling or shutdown), the moment the master logs uWSGI's
 * {@code DAMN ! worker N (pid: P) died …} line and respawns it. Alarms
 * ({@code --alarm-segfault}) watch it.
 *
 * <p>Register it as an OSGi service (whiteboard); the kernel looks the watchers up when a worker
 * dies. Called on the master's thread: return promptly, hand anything long to a thread of your
 * own. An exception is logged in one line.
 */
@FunctionalInterface
public interface WorkerDeathWatcher {

    /**
     * Worker {@code workerId} (pid {@code pid}) of the pool of {@code modifier1} died: killed by
     * {@code signal} (11 for SIGSEGV …), or 0 when it exited with {@code status}.
     */
    void died(int modifier1, int workerId, long pid, int signal, int status);
}
