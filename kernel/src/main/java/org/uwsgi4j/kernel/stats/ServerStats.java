package org.uwsgi4j.kernel.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.uwsgi4j.kernel.dispatch.JvmCores;
import org.uwsgi4j.kernel.net.Listener;
import org.uwsgi4j.kernel.net.Server;

/**
 * Builds the stats server's document from a running {@link Server} and the worker pools: one
 * worker per {@code --processes} with its {@code --threads} cores, the sockets each with the
 * connections waiting in its accept backlog (as uWSGI reads them with {@code TCP_INFO}; the
 * largest is {@code listen_queue}), and the requests waiting for a core in the kernel
 * ({@code request_queue}: the worker pools' queues and the in-JVM cores'). In-JVM runtimes run in the
 * master's process, so every worker reports the JVM's pid. Workers of a worker pool report
 * their own pid and counters (requests, exceptions, bytes) and, when {@code --memory-report},
 * {@code --reload-on-rss} or {@code --evil-reload-on-rss} is on, their {@code rss}/{@code vsz} (from /proc).
 */
public final class ServerStats {

    private final Server server;
    private final Supplier<? extends List<? extends WorkerStats.Source>> pools;
    private final String version;
    private final String cwd;
    private final long uid;
    private final long gid;

    /** @param pools the worker pools now (each call) */
    public ServerStats(Server server, Supplier<? extends List<? extends WorkerStats.Source>> pools, String version) {
        this.server = server;
        this.pools = pools;
        this.version = version;
        this.cwd = Path.of("").toAbsolutePath().toString();
        long[] ids = ids();
        this.uid = ids[0];
        this.gid = ids[1];
    }

    /**
     * uWSGI's respawn_count: how many times the slot got a process (a cheaped slot that never
     * had one shows 0).
     */
    private static long spawns(WorkerStats w) {
        return StatsSnapshot.CHEAP.equals(w.status()) ? w.respawns() : w.respawns() + 1;
    }

    /** The document now. Thread-safe: reads counters only. */
    public StatsSnapshot snapshot() {
        JvmCores jvm = server.cores();
        long pid = ProcessHandle.current().pid();
        List<StatsSnapshot.Socket> sockets = new ArrayList<>();
        for (Listener l : server.listeners()) {
            sockets.add(new StatsSnapshot.Socket(l.boundName(), l.spec().protocol().statsName(),
                    server.listenQueue(l.index()), server.listenBacklog(), false, false));
        }
        List<StatsSnapshot.Worker> workers = new ArrayList<>();
        List<StatsSnapshot.Cheaper> cheaper = new ArrayList<>();
        long poolQueued = 0;
        for (var pool : pools.get()) {
            poolQueued += pool.queued();
            var mode = pool.cheaper();
            mode.ifPresent(c -> cheaper.add(new StatsSnapshot.Cheaper(pool.modifier1(), c.algorithm(), c.decision(),
                    c.figures().pool())));
            Map<Integer, Map<String, Object>> figures = mode.map(c -> c.figures().workers()).orElse(Map.of());
            for (var w : pool.workers()) {
                List<StatsSnapshot.Core> cores = new ArrayList<>();
                for (long[] c : w.cores()) {
                    cores.add(new StatsSnapshot.Core(c[0], c[1], 0, 0, 0, 0, 0, c[2] == 1, List.of(), 0));
                }
                var app = new StatsSnapshot.App(0, pool.modifier1(), "", 0, w.requests(), w.exceptions(), "");
                workers.add(new StatsSnapshot.Worker(w.id(), w.pid(), true, w.requests(), w.requests(), w.exceptions(), 0, 0, 0,
                        w.status(), w.rss(), w.vsz(), w.totalMicros(), w.spawnedAtMillis() / 1000, spawns(w), w.tx(),
                        w.requests() == 0 ? 0 : w.totalMicros() / w.requests(), List.of(app), cores,
                        figures.getOrDefault(w.id(), Map.of())));
            }
        }
        if (!workers.isEmpty()) {
            return new StatsSnapshot(version, server.listenQueue(), server.listenQueueErrors(), 0, poolQueued, pid, uid, gid, cwd,
                    List.of(), sockets, workers, server.table().queued(), cheaper, server.staticRequests());
        }
        List<JvmCores.Core> cores = jvm.cores();
        int workerCount = cores.isEmpty() ? 0 : cores.getLast().worker();
        long busy = 0;
        for (int w = 1; w <= workerCount; w++) {
            List<StatsSnapshot.Core> workerCores = new ArrayList<>();
            boolean anyBusy = false;
            for (JvmCores.Core c : cores) {
                if (c.worker() == w) {
                    anyBusy |= c.inRequest();
                    workerCores.add(new StatsSnapshot.Core(c.id(), c.requests(), 0, 0, 0, 0, 0, c.inRequest(), List.of(), 0));
                }
            }
            busy += anyBusy ? 1 : 0;
            long[] counters = server.workerCounters(w);
            var app = new StatsSnapshot.App(0, 0, "", 0, counters[0], counters[1], "");
            workers.add(new StatsSnapshot.Worker(w, pid, true, counters[0], counters[0], counters[1], 0, 0, 0,
                    anyBusy ? StatsSnapshot.BUSY : StatsSnapshot.IDLE, 0, 0, counters[4], server.startEpochSeconds(), 1,
                    counters[2], counters[3], List.of(app), workerCores));
        }
        return new StatsSnapshot(version, server.listenQueue(), server.listenQueueErrors(), 0, busy, pid, uid, gid, cwd,
                List.of(), sockets, workers, server.table().queued(), List.of(), server.staticRequests());
    }

    /** The real uid and gid, from /proc (the JDK has no call for them). */
    private static long[] ids() {
        long[] ids = {0, 0};
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    ids[0] = Long.parseLong(line.split("\\s+")[1]);
                } else if (line.startsWith("Gid:")) {
                    ids[1] = Long.parseLong(line.split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: report 0, as a stats reader expects numbers
        }
        return ids;
    }
}
