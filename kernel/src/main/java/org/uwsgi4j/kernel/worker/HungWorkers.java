package org.uwsgi4j.kernel.worker;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills the workers that must not wait for a graceful stop: one whose request has run past
 * {@code --harakiri} (with {@code --harakiri-verbose}, where it is stuck), and one over
 * {@code --evil-reload-on-rss} (checked once a second). Master thread only.
 */
final class HungWorkers {

    private static final Logger LOG = LoggerFactory.getLogger(HungWorkers.class);

    private final WorkerPool pool;
    private long nextEvilCheckNanos;

    HungWorkers(WorkerPool pool) {
        this.pool = pool;
    }

    /** Kills the running workers of {@code g} that hang (harakiri) or grew too big (evil reload). */
    void kill(Generation g) {
        PoolSettings settings = pool.settings();
        long now = pool.clock().nanoTime();
        boolean checkMemory = settings.evilReloadOnRss() > 0 && now - nextEvilCheckNanos >= 0;
        if (checkMemory) {
            nextEvilCheckNanos = now + TimeUnit.SECONDS.toNanos(1);
        }
        for (int id = 1; id < g.workers.length; id++) {
            Worker w = g.workers[id];
            if (w.state != Worker.State.RUNNING) {
                continue;
            }
            if (!settings.harakiri().isZero()) {
                for (CoreLink c : w.cores) {
                    long since = c == null ? 0 : c.busySinceNanos;
                    if (since != 0 && now - since > settings.harakiri().toNanos() && !c.killedForItsRequest) {
                        harakiri(w, c, now);
                    }
                }
            }
            if (checkMemory) {
                evilReloadOnRss(w);
            }
        }
    }

    private void harakiri(Worker w, CoreLink c, long now) {
        c.killedForItsRequest = true;
        LOG.warn("*** HARAKIRI ON WORKER {} (pid: {}, try: 1) ***", w.id, w.pid);
        if (pool.settings().harakiriVerbose()) {
            // uWSGI's --harakiri-verbose: where the worker is stuck, as the kernel sees it
            pool.processes().procLine(w.pid, "syscall").ifPresent(l -> LOG.warn("HARAKIRI: -- syscall> {}", l));
            pool.processes().procLine(w.pid, "wchan").ifPresent(l -> LOG.warn("HARAKIRI: -- wchan> {}", l));
        }
        Job job = c.job;
        LOG.warn("- HARAKIRI [core {}] {} since {} -", c.id, job == null ? "-" : job.describe(),
                (pool.clock().currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(now - c.busySinceNanos)) / 1000);
        LOG.warn("- HARAKIRI !!! end of worker {} status !!!", w.id);
        pool.processes().kill(w.pid);
    }

    /** {@code --evil-reload-on-rss}: a worker over the limit is killed at once, as uWSGI's master does. */
    private void evilReloadOnRss(Worker w) {
        long rss = pool.processes().rss(w.pid);
        if (rss >= pool.settings().evilReloadOnRss() << 20) {
            LOG.warn("*** EVIL RELOAD ON WORKER {} RSS: {} (pid: {}) ***", w.id, rss, w.pid);
            for (CoreLink c : w.cores) { // a request that grew the worker past the limit would grow the next one too
                if (c != null && c.busySinceNanos != 0) {
                    c.killedForItsRequest = true;
                }
            }
            pool.processes().kill(w.pid);
        }
    }
}
