package org.uwsgi4j.kernel.worker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generations of one pool: the current one, which serves; during a reload the one it
 * replaces, which serves until every worker of the new one runs; and the retired ones, whose
 * processes are on their way out. Changed on the master thread only.
 *
 * <pre>
 *  start ─▶ current ─reload─▶ replacing ─new one runs─▶ retired ─all exited─▶ closed (socket removed)
 * </pre>
 */
final class Generations {

    private static final Logger LOG = LoggerFactory.getLogger(Generations.class);

    private final WorkerPool pool;
    private final Spawner spawner;
    private final List<Generation> retired = new ArrayList<>();
    private volatile Generation current;
    private Generation replacing;
    private int started;

    Generations(WorkerPool pool, Spawner spawner) {
        this.pool = pool;
        this.spawner = spawner;
    }

    /** The generation that serves (null before the first one starts); from any thread. */
    Generation current() {
        return current;
    }

    /** Starts the first generation. */
    void startFirst() throws IOException {
        current = start();
    }

    /** Starts a new current generation; the one it replaces serves until the new one runs. */
    void startNext() throws IOException {
        Generation previous = current;
        if (replacing != null) {
            retire(replacing); // a reload during a reload: the oldest goes at once
        }
        current = start();
        replacing = previous;
    }

    private Generation start() throws IOException {
        PoolSettings settings = pool.settings();
        int n = ++started;
        Generation g = new Generation(pool, n, pool.runtimeDir().resolve("m" + pool.modifier1() + "-g" + n + ".sock"),
                settings.processes(), settings.threads());
        WorkerOwnership.apply(g.socket, settings.uid(), settings.gid());
        if (settings.cheaper().enabled()) {
            // cheaper mode: start --cheaper-initial workers, or on a reload as many as run now
            int start = Math.max(settings.cheaper().initial(), current == null ? 0 : WorkerCount.active(current));
            for (int w = start + 1; w < g.workers.length; w++) {
                g.workers[w].state = Worker.State.CHEAPED;
            }
        }
        if (settings.lazyApps()) {
            for (int w = 1; w < g.workers.length; w++) {
                if (g.workers[w].state != Worker.State.CHEAPED) {
                    spawner.startLazy(g.workers[w]);
                }
            }
        } else {
            spawner.startHost(g);
        }
        return g;
    }

    /** After a reload: once every worker of the new generation runs, the old one retires. */
    void retireReplacedWhenReady() {
        if (replacing == null) {
            return;
        }
        for (int w = 1; w < current.workers.length; w++) {
            Worker.State state = current.workers[w].state;
            if (state != Worker.State.RUNNING && state != Worker.State.CHEAPED) {
                return;
            }
        }
        retire(replacing);
        replacing = null;
    }

    private void retire(Generation g) {
        g.retiring = true;
        for (int w = 1; w < g.workers.length; w++) {
            Worker.State state = g.workers[w].state;
            if (state != Worker.State.DEAD && state != Worker.State.CHEAPED) {
                g.workers[w].state = Worker.State.RETIRING;
            }
        }
        g.stopHost();
        retired.add(g);
    }

    /** Retires every generation (shutdown) and returns them. */
    List<Generation> retireAll() {
        List<Generation> all = new ArrayList<>(retired);
        if (current != null) {
            all.add(current);
        }
        if (replacing != null) {
            all.add(replacing);
        }
        for (Generation g : all) {
            retire(g);
        }
        return all;
    }

    /** Closes the retired generations none of whose processes runs any more. */
    void closeRetired() {
        retired.removeIf(this::finishedRetiring);
    }

    /** Closes every retired generation, running or not (after a shutdown). */
    void closeAll() {
        for (Generation g : retired) {
            try {
                g.close();
            } catch (IOException e) {
                // best effort
            }
        }
    }

    private boolean finishedRetiring(Generation g) {
        Processes processes = pool.processes();
        boolean anyAlive = false;
        for (int id = 1; id < g.workers.length; id++) {
            anyAlive |= g.workers[id].state != Worker.State.DEAD && processes.isAlive(g.workers[id].pid);
        }
        if (!anyAlive && (g.host == null || !g.host.isAlive())) {
            try {
                g.close();
            } catch (IOException e) {
                LOG.debug("closing generation {}: {}", g.number, e.getMessage());
            }
            return true;
        }
        return false;
    }
}
