package org.uwsgi4j.kernel.worker;

import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces workers gracefully, one at a time: a recycle ({@code --max-requests},
 * {@code --max-worker-lifetime}, {@code --reload-on-rss}) lets a worker finish what it holds,
 * stop, and be respawned, killed if it takes longer than {@code --worker-reload-mercy}; a chain
 * reload ({@code --chain-reload} with {@code --lazy-apps}) recycles the workers in turn, the next
 * once its predecessor's replacement runs. (A reload by generations is {@link Generations}'.)
 * Master thread only.
 */
final class Reloads {

    private static final Logger LOG = LoggerFactory.getLogger(Reloads.class);

    private final WorkerPool pool;
    private final ArrayDeque<Integer> chain = new ArrayDeque<>();
    private boolean chaining;

    Reloads(WorkerPool pool) {
        this.pool = pool;
    }

    /** Starts a chain reload of the active workers of {@code g}, the current generation. */
    void chainReload(Generation g) {
        chaining = true;
        chain.clear();
        for (int id = 1; id < g.workers.length; id++) {
            if (g.workers[id].active()) {
                chain.add(id);
            }
        }
        nextInChain();
    }

    /** Worker {@code w} runs (all its cores connected): during a chain reload, its replacement is the cue for the next. */
    void running(Worker w) {
        if (chaining && w.respawns > 0 && w.generation == pool.current()) {
            nextInChain();
        }
    }

    private void nextInChain() {
        Generation current = pool.current();
        Integer id = chain.poll();
        while (id != null && !current.workers[id].active()) {
            id = chain.poll(); // cheaped or died since the chain began: its respawn loads the new code anyway
        }
        if (id == null) {
            chaining = false;
            LOG.info("chain reloading complete");
            return;
        }
        LOG.info("chain next victim is worker {}", id);
        recycle(current.workers[id], "chain reload");
    }

    /** Recycles the running workers of {@code g} that lived longer than {@code --max-worker-lifetime}. */
    void recycleAged(Generation g) {
        PoolSettings settings = pool.settings();
        if (settings.maxLifetime().isZero()) {
            return;
        }
        long now = pool.clock().currentTimeMillis();
        for (int id = 1; id < g.workers.length; id++) {
            Worker w = g.workers[id];
            if (w.state == Worker.State.RUNNING && now - w.spawnedAtMillis > settings.maxLifetime().toMillis()) {
                recycle(w, "reached --max-worker-lifetime");
            }
        }
    }

    /**
     * Recycles worker {@code w} gracefully: its cores finish what they hold and tell it to stop;
     * its exit is then answered with a respawn. Killed if it takes longer than the mercy.
     */
    void recycle(Worker w, String why) {
        if (w.recycling || w.state == Worker.State.DEAD || w.state == Worker.State.CHEAPED || w.generation != pool.current()) {
            return;
        }
        w.recycling = true;
        LOG.info("worker {} (pid: {}) {}: recycling it", w.id, w.pid, why);
        w.state = Worker.State.RETIRING;
        killAfterMercy(w);
    }

    /** Kills retiring worker {@code w} if it still runs after {@code --worker-reload-mercy}. */
    void killAfterMercy(Worker w) {
        long pid = w.pid;
        pool.master().postLater(() -> {
            if (pool.processes().isAlive(pid) && w.state == Worker.State.RETIRING) {
                LOG.warn("worker {} (pid: {}) {}: killing it", w.id, w.pid, "did not stop within --worker-reload-mercy");
                for (CoreLink c : w.cores) { // the requests that outlasted the mercy end with the worker, as in uWSGI
                    if (c != null && c.busySinceNanos != 0) {
                        c.killedForItsRequest = true;
                    }
                }
                pool.processes().kill(w.pid);
            }
        }, pool.settings().workerMercy());
    }
}
