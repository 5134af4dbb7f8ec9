package org.uwsgi4j.kernel.stats;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What uWSGI's stats server reports, at one moment: the document's top-level fields, in
 * uWSGI 2.0's order. {@link StatsJson} writes it with uWSGI's field names and types.
 *
 * @param version           server version string
 * @param listenQueue       connections waiting in the operating system's accept backlog (the largest of the sockets')
 * @param listenQueueErrors checks (about one a second) that found a socket's backlog full
 * @param signalQueue       signals queued for the master
 * @param load              requests being served right now, instance-wide
 * @param pid               master's pid
 * @param uid               uid the master runs as
 * @param gid               gid the master runs as
 * @param cwd               master's working directory
 * @param locks             named locks and the pid holding each (0: free)
 * @param sockets           listening sockets
 * @param workers           workers, in id order
 * @param requestQueue      requests waiting for a core in the kernel (uwsgi4j's, after uWSGI's fields)
 * @param cheaper           the cheaper mode of each worker pool that runs it (uwsgi4j's; written only when any does)
 * @param staticRequests    static files answered by the kernel (uwsgi4j's, after {@code request_queue}: no
 *                          worker core serves them, so each core's {@code static_requests} stays 0)
 * @param sections          the plugins' sections ({@link org.uwsgi4j.kernel.api.StatsSection}) by name, written last
 */
public record StatsSnapshot(String version, long listenQueue, long listenQueueErrors, long signalQueue,
                            long load, long pid, long uid, long gid, String cwd, List<Lock> locks,
                            List<Socket> sockets, List<Worker> workers, long requestQueue, List<Cheaper> cheaper,
                            long staticRequests, Map<String, Map<String, Object>> sections) {

    public StatsSnapshot {
        locks = List.copyOf(locks);
        sockets = List.copyOf(sockets);
        workers = List.copyOf(workers);
        cheaper = List.copyOf(cheaper);
        sections = Collections.unmodifiableMap(new LinkedHashMap<>(sections));
    }

    /** A document without plugin sections. */
    public StatsSnapshot(String version, long listenQueue, long listenQueueErrors, long signalQueue,
                         long load, long pid, long uid, long gid, String cwd, List<Lock> locks,
                         List<Socket> sockets, List<Worker> workers, long requestQueue, List<Cheaper> cheaper,
                         long staticRequests) {
        this(version, listenQueue, listenQueueErrors, signalQueue, load, pid, uid, gid, cwd, locks, sockets, workers,
                requestQueue, cheaper, staticRequests, Map.of());
    }

    /** This document with the plugins' {@code sections}. */
    public StatsSnapshot withSections(Map<String, Map<String, Object>> sections) {
        return new StatsSnapshot(version, listenQueue, listenQueueErrors, signalQueue, load, pid, uid, gid, cwd, locks, sockets,
                workers, requestQueue, cheaper, staticRequests, sections);
    }

    /** A document without static requests. */
    public StatsSnapshot(String version, long listenQueue, long listenQueueErrors, long signalQueue,
                         long load, long pid, long uid, long gid, String cwd, List<Lock> locks,
                         List<Socket> sockets, List<Worker> workers, long requestQueue, List<Cheaper> cheaper) {
        this(version, listenQueue, listenQueueErrors, signalQueue, load, pid, uid, gid, cwd, locks, sockets, workers,
                requestQueue, cheaper, 0);
    }

    /** A document without cheaper mode. */
    public StatsSnapshot(String version, long listenQueue, long listenQueueErrors, long signalQueue,
                         long load, long pid, long uid, long gid, String cwd, List<Lock> locks,
                         List<Socket> sockets, List<Worker> workers, long requestQueue) {
        this(version, listenQueue, listenQueueErrors, signalQueue, load, pid, uid, gid, cwd, locks, sockets, workers,
                requestQueue, List.of(), 0);
    }

    /**
     * The cheaper mode of one worker pool.
     *
     * @param modifier1 the modifier1 the pool serves
     * @param algorithm the algorithm that decided last ({@code spare} after a fallback; "" before the first cycle)
     * @param decision  its last cycle: workers spawned (&gt; 0), cheaped (&lt; 0), or 0
     * @param figures   the algorithm's own figures: names to a {@code Long} or a {@code String}
     */
    public record Cheaper(long modifier1, String algorithm, long decision, Map<String, Object> figures) {

        public Cheaper {
            figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
        }
    }

    /** A lock: {@code {"user 0":0}}. */
    public record Lock(String name, long pid) {
    }

    /**
     * A listening socket.
     *
     * @param name       address as configured ({@code 127.0.0.1:8080}, {@code /tmp/s.sock})
     * @param proto      protocol name: {@code uwsgi}, {@code http}, …
     * @param queue      connections waiting in its accept backlog
     * @param maxQueue   its backlog size ({@code --listen})
     * @param shared     whether it is shared between instances
     * @param canOffload whether responses on it can be offloaded
     */
    public record Socket(String name, String proto, long queue, long maxQueue, boolean shared, boolean canOffload) {
    }

    /** Values of {@link Worker#status()} as uWSGI spells them. */
    public static final String IDLE = "idle";
    /** A worker serving a request. */
    public static final String BUSY = "busy";
    /** A worker stopped by the cheaper subsystem. */
    public static final String CHEAP = "cheap";
    /** A paused (suspended) worker. */
    public static final String PAUSE = "pause";

    /** The status of a worker running signal handler {@code signum}: {@code sig9}. */
    public static String signalStatus(int signum) {
        return "sig" + signum;
    }

    /**
     * A worker.
     *
     * @param id            1-based worker id
     * @param pid           its pid (0 when not running)
     * @param accepting     whether it accepts requests
     * @param requests      requests served since spawned
     * @param deltaRequests requests served since the last check (reset by {@code --max-requests} logic)
     * @param exceptions    exceptions raised by its apps
     * @param harakiriCount times it was killed by harakiri
     * @param signals       uWSGI signals it handled
     * @param signalQueue   signals queued for it
     * @param status        {@link #IDLE}, {@link #BUSY}, {@link #CHEAP}, {@link #PAUSE} or {@link #signalStatus}
     * @param rss           resident set size in bytes (0 unless {@code --memory-report})
     * @param vsz           address space size in bytes (0 unless {@code --memory-report})
     * @param runningTime   microseconds spent serving requests
     * @param lastSpawn     epoch seconds of its last spawn
     * @param respawnCount  times it was spawned (1 after the first spawn)
     * @param tx            response bytes sent
     * @param avgRt         average response time in microseconds
     * @param apps          its apps
     * @param cores         its cores (threads)
     * @param cheaper       the cheaper algorithm's figures of it ({@code busyness}); empty: none, not written
     */
    public record Worker(long id, long pid, boolean accepting, long requests, long deltaRequests, long exceptions,
                         long harakiriCount, long signals, long signalQueue, String status, long rss, long vsz,
                         long runningTime, long lastSpawn, long respawnCount, long tx, long avgRt,
                         List<App> apps, List<Core> cores, Map<String, Object> cheaper) {

        public Worker {
            apps = List.copyOf(apps);
            cores = List.copyOf(cores);
            cheaper = Collections.unmodifiableMap(new LinkedHashMap<>(cheaper));
        }

        /** A worker without cheaper figures. */
        public Worker(long id, long pid, boolean accepting, long requests, long deltaRequests, long exceptions,
                      long harakiriCount, long signals, long signalQueue, String status, long rss, long vsz,
                      long runningTime, long lastSpawn, long respawnCount, long tx, long avgRt,
                      List<App> apps, List<Core> cores) {
            this(id, pid, accepting, requests, deltaRequests, exceptions, harakiriCount, signals, signalQueue, status,
                    rss, vsz, runningTime, lastSpawn, respawnCount, tx, avgRt, apps, cores, Map.of());
        }
    }

    /**
     * An app loaded in a worker.
     *
     * @param id          0-based app id
     * @param modifier1   modifier1 it serves
     * @param mountpoint  its mountpoint ("" for the default app)
     * @param startupTime seconds it took to load
     * @param requests    requests it served
     * @param exceptions  exceptions it raised
     * @param chdir       directory it changed to, "" if none
     */
    public record App(long id, long modifier1, String mountpoint, long startupTime, long requests, long exceptions,
                      String chdir) {
    }

    /**
     * A core (thread) of a worker.
     *
     * @param id                0-based core id
     * @param requests          requests it served
     * @param staticRequests    of which static files
     * @param routedRequests    of which answered by the internal router
     * @param offloadedRequests of which offloaded
     * @param writeErrors       response write errors
     * @param readErrors        request read errors
     * @param inRequest         whether it is serving a request now
     * @param vars              when in a request, its variables as {@code KEY=VALUE}; else empty
     * @param requestStart      when in a request, its start in epoch seconds; else 0
     */
    public record Core(long id, long requests, long staticRequests, long routedRequests, long offloadedRequests,
                       long writeErrors, long readErrors, boolean inRequest, List<String> vars, long requestStart) {

        public Core {
            vars = List.copyOf(vars);
        }
    }
}
