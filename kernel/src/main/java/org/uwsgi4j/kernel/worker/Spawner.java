package org.uwsgi4j.kernel.worker;

import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts worker processes into the slots of a generation: forked by the generation's host once
 * it is ready, or started one by one with {@code --lazy-apps}; a worker that died is respawned
 * into its slot, through uWSGI's fork-bomb guard ({@link RespawnThrottle}), unless it was being
 * cheaped or its generation retires. Master thread only.
 */
final class Spawner {

    private static final Logger LOG = LoggerFactory.getLogger(Spawner.class);

    private final WorkerPool pool;
    private final RespawnThrottle throttle;

    Spawner(WorkerPool pool) {
        this.pool = pool;
        this.throttle = new RespawnThrottle(pool.clock());
    }

    /** Starts the host of {@code g}: it loads the app, says READY, then forks the workers asked for. */
    void startHost(Generation g) throws IOException {
        Processes.Child p = pool.processes().start(pool.host(), g.socket, pool.token(), "host", 0, pool.settings());
        g.host = p;
        p.onExit(status -> pool.master().post(() -> pool.hostExited(g, p.pid(), status)));
    }

    /** Starts worker {@code w} as its own process ({@code --lazy-apps}): it loads the app itself. */
    void startLazy(Worker w) throws IOException {
        Processes.Child p = pool.processes().start(pool.host(), w.generation.socket, pool.token(), "worker", w.id,
                pool.settings());
        w.pid = p.pid();
        w.state = Worker.State.SPAWNING;
        w.spawnedAtMillis = pool.clock().currentTimeMillis();
        p.onExit(status -> pool.master().post(() -> pool.workerExited(w.generation, w.id, p.pid(),
                status > 128 ? 0 : status, status > 128 ? status - 128 : 0)));
    }

    /** The host of {@code g} loaded the app: it forks the workers that are not cheaped. */
    void hostReady(Generation g) {
        g.ready = true;
        LOG.info("{} ready (generation {}, host pid: {})", pool.host().name(), g.number, g.host == null ? 0 : g.host.pid());
        for (int w = 1; w < g.workers.length; w++) {
            if (g.workers[w].state != Worker.State.CHEAPED) {
                fork(g.workers[w]);
            }
        }
    }

    /** Worker {@code id} of {@code g} exited: respawned, left cheaped, or let go with its generation. */
    void workerExited(Generation g, int id, long pid, int status, int signal) {
        Worker w = g.workers[id];
        if (w.pid != 0 && w.pid != pid) {
            return; // an earlier incarnation
        }
        Worker.State was = w.state;
        w.state = Worker.State.DEAD;
        for (CoreLink c : w.cores) {
            if (c != null) {
                c.channel.close();
            }
        }
        if (g.retiring || pool.ending()) {
            LOG.info("worker {} (pid: {}) stopped", id, pid);
            return;
        }
        if (w.cheaping) {
            LOG.info("worker {} killed successfully (pid: {})", id, pid);
            LOG.info("uWSGI worker {} cheaped.", id);
            Worker slot = new Worker(id, g, w.cores.length, pool.clock().currentTimeMillis());
            slot.respawns = w.respawns + 1;
            slot.state = Worker.State.CHEAPED;
            g.workers[id] = slot;
            return;
        }
        if (was == Worker.State.RETIRING) {
            LOG.info("worker {} killed successfully (pid: {})", id, pid);
            respawnNow(w); // a planned recycle: no fork-bomb guard
            return;
        }
        if (pool.settings().lazyApps() && was == Worker.State.SPAWNING && status == WorkerPool.FAILED_APP_CODE) {
            pool.loadFailed(g, "worker " + id + " (pid: " + pid + ") could not load the app (exit status " + status + ")");
            return;
        }
        if (signalledFromOutside(status, signal)) {
            // the signal may have gone to the whole process group, the master too: its
            // shutdown comes through another path, so wait for it a moment before replacing
            pool.master().postLater(() -> signalledDeath(w, pid, signal, status), SIGNALLED_GRACE);
            return;
        }
        died(w, pid, signal, status);
    }

    /**
     * How long the respawn of a worker stopped by someone else's signal waits for the master's
     * own shutdown: a terminal's Ctrl-C, {@code timeout} or a service manager signal every
     * process of the server at once, and the workers may stop before the master has read its signal.
     */
    static final Duration SIGNALLED_GRACE = Duration.ofMillis(500);

    /**
     * A worker stopped by a signal the master did not send: it exited 0 (a host stops gracefully
     * on SIGTERM and SIGINT, and exits 0 only when asked to stop; the master had not asked) or was
     * killed by SIGHUP, SIGINT, SIGQUIT or SIGTERM.
     */
    static boolean signalledFromOutside(int status, int signal) {
        return signal == 0 ? status == 0 : signal == 1 || signal == 2 || signal == 3 || signal == 15;
    }

    private void signalledDeath(Worker w, long pid, int signal, int status) {
        if (w.generation.retiring || pool.ending()) {
            LOG.info("worker {} (pid: {}) stopped", w.id, pid);
            return;
        }
        died(w, pid, signal, status);
    }

    /** A worker died on its own: uWSGI's line, the {@link MasterLoop#onWorkerDeath} watchers, a respawn. */
    private void died(Worker w, long pid, int signal, int status) {
        if (signal != 0) {
            LOG.warn("DAMN ! worker {} (pid: {}) died, killed by signal {} :( trying respawn ...", w.id, pid, signal);
        } else {
            LOG.warn("DAMN ! worker {} (pid: {}) died :( trying respawn ...", w.id, pid);
        }
        pool.master().workerDied(pool.modifier1(), w.id, pid, signal, status);
        respawn(w);
    }

    /** Asks the host of {@code w}'s generation to fork it. */
    void fork(Worker w) {
        try {
            w.state = Worker.State.SPAWNING;
            w.spawnedAtMillis = pool.clock().currentTimeMillis();
            w.generation.fork(w.id);
        } catch (IOException e) {
            LOG.warn("cannot fork worker {}: {}", w.id, e.getMessage());
        }
    }

    /**
     * Puts a new worker with {@code respawns} earlier lives into slot {@code id} of {@code g}
     * and starts it (forked by the host, or its own process with --lazy-apps); false, logged,
     * when it cannot be started.
     */
    boolean spawnInto(Generation g, int id, long respawns) {
        Worker fresh = new Worker(id, g, pool.settings().threads(), pool.clock().currentTimeMillis());
        fresh.respawns = respawns;
        g.workers[id] = fresh;
        try {
            if (pool.settings().lazyApps()) {
                startLazy(fresh);
            } else {
                fork(fresh);
            }
            return true;
        } catch (IOException e) {
            LOG.error("!!! cannot spawn worker {}: {} !!!", id, e.getMessage());
            return false;
        }
    }

    /** Respawns dead worker {@code w}: at once, or later when it keeps dying right after its spawn. */
    void respawn(Worker w) {
        Duration delay = throttle.delayFor(w.id);
        if (!delay.isZero()) {
            LOG.warn("worker respawning too fast !!! i have to sleep a bit ({} seconds)...", delay.toSeconds());
            pool.master().postLater(() -> respawnNow(w), delay);
        } else {
            respawnNow(w);
        }
    }

    /** Respawns dead worker {@code w} at once (a planned recycle: no fork-bomb guard), if its generation still serves. */
    void respawnNow(Worker w) {
        if (pool.ending() || w.generation != pool.current() || w.state != Worker.State.DEAD) {
            return;
        }
        spawnInto(w.generation, w.id, w.respawns + 1);
    }
}
