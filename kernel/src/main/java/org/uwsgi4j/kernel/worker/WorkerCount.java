package org.uwsgi4j.kernel.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.CheaperAlgorithm;
import org.uwsgi4j.kernel.cheaper.Cheaper;
import org.uwsgi4j.kernel.cheaper.CheaperAlgorithms;
import org.uwsgi4j.kernel.cheaper.CheaperSettings;
import org.uwsgi4j.kernel.stats.CheaperStats;

/**
 * How many workers of the current generation run, in uWSGI's cheaper mode ({@code --cheaper}):
 * once a cycle the rss limits are checked, then the algorithm's answer is applied, spawning
 * into cheaped slots or stopping the oldest idle worker gracefully (its slot stays cheaped).
 * Without cheaper mode every slot runs and this does nothing. Master thread only.
 */
final class WorkerCount {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerCount.class);

    private final WorkerPool pool;
    private final Spawner spawner;
    private final Reloads reloads;
    private final Cheaper cheaper;

    WorkerCount(WorkerPool pool, Spawner spawner, Reloads reloads, CheaperAlgorithms algorithms) {
        this.pool = pool;
        this.spawner = spawner;
        this.reloads = reloads;
        CheaperSettings cs = pool.settings().cheaper();
        this.cheaper = cs.enabled() ? new Cheaper(cs, algorithms, pool.clock().nanoTime()) : null;
    }

    /** The workers of {@code g} spawned or serving, and not on their way out. */
    static int active(Generation g) {
        int n = 0;
        for (int id = 1; id < g.workers.length; id++) {
            n += g.workers[id].active() ? 1 : 0;
        }
        return n;
    }

    /** The cheaper mode as the stats show it; empty without {@code --cheaper}. Any thread. */
    Optional<CheaperStats> stats() {
        return cheaper == null ? Optional.empty()
                : Optional.of(new CheaperStats(cheaper.algorithmInUse(), cheaper.lastDecision(), cheaper.figures()));
    }

    /** Runs a cheaper cycle on {@code g} when one is due. */
    void manage(Generation g) {
        if (cheaper != null && !pool.ending() && cheaper.due(pool.clock().nanoTime())) {
            cheaperCycle(g);
        }
    }

    /**
     * One cycle of the cheaper mode: the rss limits first (as uWSGI's master checks them), then
     * the algorithm; more workers are spawned into cheaped slots, fewer means the oldest idle
     * worker stops gracefully and its slot stays cheaped.
     */
    private void cheaperCycle(Generation g) {
        PoolSettings settings = pool.settings();
        CheaperSettings cs = settings.cheaper();
        int active = 0;
        int busy = 0;
        int cheaped = 0;
        long rss = 0;
        List<CheaperAlgorithm.WorkerLoad> loads = new ArrayList<>();
        for (int id = 1; id < g.workers.length; id++) {
            Worker w = g.workers[id];
            if (w.active()) {
                active++;
                boolean inRequest = w.state == Worker.State.RUNNING && w.busy();
                busy += inRequest ? 1 : 0;
                loads.add(new CheaperAlgorithm.WorkerLoad(id, w.pid, inRequest, w.totalMicros.get()));
                rss += cs.readsMemory() ? pool.processes().rss(w.pid) : 0;
            } else if (w.state == Worker.State.CHEAPED) {
                cheaped++;
            }
        }
        if (cs.rssHard() > 0 && active > 1 && rss >= cs.rssHard()) {
            LOG.warn("cheaper hard rss memory limit exceeded, cheap one of {} workers", active);
            cheapOldestIdle(g);
            return;
        }
        boolean canSpawn = g.ready || settings.lazyApps();
        boolean overSoft = cs.rssSoft() > 0 && rss >= cs.rssSoft();
        canSpawn &= !overSoft;
        reportSoftLimit(overSoft && active > 0 && busy == active);
        int n = cheaper.decide(new CheaperAlgorithm.Load(settings.processes(), cs.minimum(),
                cs.step(), cs.overload(), active, busy, cheaped, pool.queued(), rss, canSpawn, pool.clock().nanoTime(), loads));
        for (int id = 1; id < g.workers.length && n > 0; id++) {
            if (g.workers[id].state == Worker.State.CHEAPED) {
                decheap(g, id);
                n--;
            }
        }
        for (; n < 0; n++) {
            cheapOldestIdle(g);
        }
    }

    /**
     * uWSGI's line (its debug builds log it every cycle) once each time the soft limit keeps a
     * pool whose every worker is busy from growing; again only after a cycle without that.
     */
    private void reportSoftLimit(boolean blocked) {
        if (blocked && !softLimitReported) {
            LOG.warn("cheaper soft rss memory limit exceeded, can't spawn more workers");
        }
        softLimitReported = blocked;
    }

    private boolean softLimitReported;

    private void decheap(Generation g, int id) {
        if (!spawner.spawnInto(g, id, g.workers[id].respawns)) {
            g.workers[id].state = Worker.State.CHEAPED;
        }
    }

    /** Stops the idle worker that was spawned first; it finishes nothing, it holds nothing. */
    private void cheapOldestIdle(Generation g) {
        Worker oldest = null;
        for (int id = 1; id < g.workers.length; id++) {
            Worker w = g.workers[id];
            if (w.state == Worker.State.RUNNING && !w.recycling && !w.busy()
                    && (oldest == null || w.spawnedAtMillis < oldest.spawnedAtMillis)) {
                oldest = w;
            }
        }
        if (oldest == null) {
            return;
        }
        oldest.cheaping = true;
        oldest.recycling = true;
        oldest.state = Worker.State.RETIRING; // its cores see it and tell it to stop
        reloads.killAfterMercy(oldest);
    }
}
