package org.uwsgi4j.kernel.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.WorkerHost;
import org.uwsgi4j.kernel.cheaper.CheaperAlgorithms;
import org.uwsgi4j.kernel.stats.CheaperStats;
import org.uwsgi4j.kernel.stats.WorkerStats;

/**
 * The worker processes of one language runtime (one modifier1), kept healthy by the master:
 * they are spawned (forked by a host that loaded the app, or started one by one with
 * {@code --lazy-apps}), respawned when they die, recycled after {@code --max-requests}, killed
 * by {@code --harakiri}, and replaced generation by generation on reload.
 *
 * Requests reach it through its target in the dispatch table, {@link PoolTarget}: the queue
 * ({@code --listen}) and the core threads, one per worker core.
 *
 * Threads: connections submit to the target; each core has its own platform thread; every
 * other method runs on the master's thread ({@link MasterLoop}), which is the only one that
 * changes the pool's state. The master side is split by responsibility: {@link Generations}
 * (the generations' state), {@link Spawner} (spawn and respawn), {@link HungWorkers} (harakiri,
 * evil reload), {@link Reloads} (recycle, chain reload) and {@link WorkerCount} (the cheaper
 * cycle); this class takes the events the channels and processes post, and the loop's verbs.
 */
public final class WorkerPool implements AutoCloseable, WorkerStats.Source {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);
    /** uWSGI's exit code when --need-app is set and the app did not load. */
    public static final int FAILED_APP_CODE = 22;

    private final int modifier1;
    /** What the next host or lazy worker runs: master thread ({@link #swapHost}), read anywhere. */
    private volatile WorkerHost host;
    private final PoolSettings settings;
    private final RuntimeDir dir;
    private final MasterLoop master;
    private final IntConsumer exit;
    private final PoolTarget target;
    private final WorkerCalls calls;
    private volatile boolean failed;
    private volatile boolean stopping;
    private boolean ending; // master thread
    private final Spawner spawner;
    private final Generations generations;
    private final Reloads reloads;
    private final HungWorkers hung;
    private final WorkerCount count;
    /** Completed once the first generation serves, failed to load, or the pool stopped ({@link #started}). */
    private final CompletableFuture<Void> started = new CompletableFuture<>();

    /**
     * A pool of {@code host} workers for {@code modifier1}, driven by {@code master}; in cheaper
     * mode it asks one of {@code algorithms} each cycle how many workers to run; {@code calls}
     * answer its workers' {@code CALL}s, on their core channels and on the host's control channel.
     */
    public WorkerPool(int modifier1, WorkerHost host, PoolSettings settings, MasterLoop master,
                      CheaperAlgorithms algorithms, WorkerCalls calls) {
        this.modifier1 = modifier1;
        this.host = host;
        this.settings = settings;
        this.dir = master.runtimeDir();
        this.master = master;
        this.exit = master.exit();
        this.calls = calls.forPool(modifier1);
        this.target = new PoolTarget(this, settings, master, this.calls);
        this.spawner = new Spawner(this);
        this.generations = new Generations(this, spawner);
        this.reloads = new Reloads(this);
        this.hung = new HungWorkers(this);
        this.count = new WorkerCount(this, spawner, reloads, algorithms);
    }

    // ---- any thread

    /** The pool's target in the dispatch table: its queue and core threads. */
    PoolTarget target() {
        return target;
    }

    /** True when the pool takes no requests: its app failed to load, or it stops. */
    boolean refusing() {
        return failed || stopping;
    }

    @Override
    public int modifier1() {
        return modifier1;
    }

    /** Requests waiting in its queue now. */
    @Override
    public int queued() {
        return target.queued();
    }

    String token() {
        return dir.token();
    }

    MasterLoop master() {
        return master;
    }

    WorkerCalls calls() {
        return calls;
    }

    PoolSettings settings() {
        return settings;
    }

    WorkerHost host() {
        return host;
    }

    java.nio.file.Path runtimeDir() {
        return dir.path();
    }

    Clock clock() {
        return master.clock();
    }

    Processes processes() {
        return master.processes();
    }

    boolean stopping() {
        return stopping;
    }

    /** True once the server is shutting down: from then on a worker or host that dies is not replaced. */
    boolean ending() {
        return stopping || ending;
    }

    /**
     * Completes once the pool has started: every worker of its first generation that is not
     * cheaped runs (has said HELLO on all its cores), or its app failed to load, or the pool
     * stopped first. The {@code *** uwsgi4j is ready ***} line waits for it, as uWSGI's users
     * wait for the {@code spawned uWSGI worker} lines.
     */
    public CompletionStage<Void> started() {
        return started;
    }

    /** Master thread: completes {@link #started} when no worker of {@code g} is still spawning. */
    private void startedWhenSpawned(Generation g) {
        if (started.isDone()) {
            return;
        }
        for (int id = 1; id < g.workers.length; id++) {
            if (g.workers[id].state == Worker.State.SPAWNING) {
                return;
            }
        }
        started.complete(null);
    }

    /**
     * The server is shutting down (SIGTERM, SIGINT, SIGQUIT): master thread. Workers that exit
     * from now on are not respawned (a signal sent to the whole process group, as by a terminal,
     * {@code timeout} or a service manager, reaches the workers too); the queue is still drained
     * by {@link #shutdown}, which follows.
     */
    void shutdownRequested() {
        ending = true;
    }

    /** The generation that serves now (null before the pool starts). */
    Generation current() {
        return generations.current();
    }

    @Override
    public Optional<CheaperStats> cheaper() {
        return count.stats();
    }

    /**
     * The workers that serve now (the current generation), for the stats server and the shell;
     * their memory is read from /proc only when an option needs it ({@code --memory-report},
     * {@code --reload-on-rss}, {@code --evil-reload-on-rss}).
     */
    @Override
    public List<WorkerStats> workers() {
        Generation g = generations.current();
        List<WorkerStats> views = new ArrayList<>();
        if (g != null) {
            for (int w = 1; w < g.workers.length; w++) {
                views.add(g.workers[w].stats(settings.readsMemory()));
            }
        }
        return views;
    }

    /**
     * Delivers signal {@code signum} to the workers {@code target} names (docs/signals.md):
     * {@code ""} or {@code worker} one worker (the first idle one, else the first running one,
     * else one still spawning), {@code workers} and {@code active-workers} every worker of the
     * current generation not cheaped, {@code workerN} worker N. Each takes it between two
     * requests; a worker still spawning once it runs (a signal raised while the app loads waits
     * for the workers, as in uWSGI's pipes). The handler lives in the memory of the workers
     * {@code holds} accepts (all, when the host registered it before forking): the one worker of
     * the default target is chosen among them; a worker named by the target that lacks it gets
     * nothing and uWSGI's line is logged. {@code handled} runs each time a worker ran the
     * handler. Any thread.
     */
    public void deliverSignal(int signum, String target, java.util.function.IntPredicate holds, Runnable handled) {
        Generation g = generations.current();
        List<Worker> active = new ArrayList<>(); // running, or spawning: it takes the signal once it runs
        if (g != null) {
            for (int i = 1; i < g.workers.length; i++) {
                if (g.workers[i].active()) {
                    active.add(g.workers[i]);
                }
            }
        }
        List<Worker> to = new ArrayList<>();
        if (target.isEmpty() || target.equals("worker") || target.equals("worker0")) {
            List<Worker> holders = active.stream().filter(w -> holds.test(w.id)).toList();
            List<Worker> among = holders.isEmpty() ? active : holders;
            among.stream().filter(w -> w.takesRequests() && !w.busy()).findFirst()
                    .or(() -> among.stream().filter(Worker::takesRequests).findFirst())
                    .or(() -> among.stream().findFirst()).ifPresent(to::add);
        } else if (target.equals("workers") || target.equals("active-workers")) {
            to.addAll(active);
        } else {
            int n = Integer.parseInt(target.substring("worker".length()));
            active.stream().filter(w -> w.id == n).findFirst().ifPresentOrElse(to::add,
                    () -> LOG.info("could not deliver signal {} to worker {}", signum, n));
        }
        if (to.isEmpty() && !target.matches("worker[1-9][0-9]*")) {
            LOG.info("could not deliver signal {} to workers pool", signum);
        }
        for (Worker w : to) {
            if (!holds.test(w.id)) {
                LOG.info("[uwsgi-signal] you have registered this signal in worker {} memory area, only that process will be able to run it",
                        java.util.stream.IntStream.rangeClosed(1, g.workers.length - 1).filter(holds).mapToObj(String::valueOf)
                                .collect(java.util.stream.Collectors.joining(",")));
                LOG.info("error managing signal {} on worker {}", signum, w.id);
                continue;
            }
            w.signals.add(new SignalJob(signum, calls, handled));
        }
    }

    /** Checks what can be checked before any worker starts: the --uid/--gid user and group exist. */
    public static void checkSettings(PoolSettings settings) throws IOException {
        String cheaperProblem = settings.cheaper().problem(settings.processes());
        if (cheaperProblem != null) {
            throw new IOException(cheaperProblem);
        }
        WorkerOwnership.check(settings.uid(), settings.gid());
    }

    // ---- master thread

    /** Starts the first generation. */
    public void start() throws IOException {
        WorkerOwnership.apply(dir.path(), settings.uid(), settings.gid());
        generations.startFirst();
    }

    // ---- master thread: reactions to what the generations' channels and the processes tell

    /** The host of {@code g} loaded the app: it forks the workers that are not cheaped. */
    void hostReady(Generation g) {
        spawner.hostReady(g);
    }

    /** The app did not load in {@code g}: the end with --need-app, else 502 for this modifier. */
    void loadFailed(Generation g, String reason) {
        if (g.loadFailed) {
            return;
        }
        g.loadFailed = true;
        started.complete(null);
        LOG.error("!!! {} failed to load: {} !!!", host.name(), reason);
        if (settings.needApp()) {
            LOG.error("*** no app loaded. GAME OVER (--need-app) ***");
            exit.accept(FAILED_APP_CODE);
            return;
        }
        if (g == generations.current()) {
            LOG.error("*** no app loaded for modifier1 {}: its requests get 502 ***", modifier1);
            failed = true;
            target.failAll();
        }
    }

    /** A core of worker {@code w} said HELLO: once all its cores did, the worker runs and serves. */
    void coreConnected(Worker w, long pid, CoreLink link) {
        if (w.state == Worker.State.DEAD || w.generation.retiring || stopping) {
            link.close();
            return;
        }
        w.pid = pid;
        w.cores[link.id] = link;
        if (w.connectedCores() == w.cores.length && w.state == Worker.State.SPAWNING) {
            w.state = Worker.State.RUNNING; // before its core threads start: they serve while it runs
            for (CoreLink c : w.cores) {
                Thread.ofPlatform().daemon().name("uwsgi4j-worker-" + w.id + "-core-" + c.id).start(() -> target.serveCore(w, c));
            }
            if (w.respawns == 0) {
                LOG.info("spawned uWSGI worker {} (pid: {}, cores: {})", w.id, pid, w.cores.length);
            } else {
                LOG.info("Respawned uWSGI worker {} (new pid: {})", w.id, pid);
            }
            generations.retireReplacedWhenReady();
            reloads.running(w);
            startedWhenSpawned(w.generation);
        }
    }

    /** Worker {@code id} of {@code g} exited: respawned, left cheaped, or let go with its generation. */
    void workerExited(Generation g, int id, long pid, int status, int signal) {
        spawner.workerExited(g, id, pid, status, signal);
    }

    /** The host of {@code g} exited: before READY the app failed to load; after, a new generation starts. */
    void hostExited(Generation g, long pid, int status) {
        if (g != generations.current() || ending() || g.retiring) {
            return;
        }
        if (!g.ready) {
            // its LOADFAIL frame, which says why, may still be on the way: give it a moment
            master.postLater(() -> loadFailed(g, "the worker host exited with status " + status
                    + " before the app was ready"), Duration.ofMillis(500));
            return;
        }
        LOG.error("!!! the worker host (pid: {}) died with status {}: starting a new generation !!!", pid, status);
        reload();
    }

    // ---- master thread: commands and the loop's verbs

    /**
     * The pool's runtime was swapped for another version of its plugin: from now on its hosts
     * and lazy workers run {@code next}. The workers running now are not touched: a
     * {@link #reload} replaces them.
     */
    void swapHost(WorkerHost next) {
        host = next;
    }

    /** Graceful reload: a new generation loads the current code; the old one retires once it serves. */
    public void reload() {
        reload(settings.chainReload());
    }

    /** Reloads gracefully; {@code chain}: one worker at a time (only with --lazy-apps, as in uWSGI). */
    public void reload(boolean chain) {
        if (stopping) {
            return;
        }
        if (chain && settings.lazyApps() && !failed) {
            reloads.chainReload(generations.current());
            return;
        }
        try {
            generations.startNext();
            failed = false;
        } catch (IOException e) {
            LOG.error("!!! reload failed: {} !!!", e.getMessage());
        }
    }

    /**
     * Recycles worker {@code w} gracefully: its cores finish what they hold and tell it to stop;
     * its exit is then answered with a respawn. Killed if it takes longer than the mercy.
     */
    void recycle(Worker w, String why) {
        reloads.recycle(w, why);
    }

    /**
     * Recycles the worker of the current generation whose process is {@code pid}, as
     * {@link #recycle}; false when none is.
     */
    boolean recycle(long pid, String why) {
        Generation g = generations.current();
        if (g == null) {
            return false;
        }
        for (Worker w : g.workers) {
            if (w != null && w.pid == pid) {
                reloads.recycle(w, why);
                return true;
            }
        }
        return false;
    }

    /** Harakiri and --evil-reload-on-rss: kills the workers that hang or grew too big. */
    void killHungWorkers() {
        Generation g = generations.current();
        if (g != null) {
            hung.kill(g);
        }
    }

    /** --max-worker-lifetime: recycles the workers that lived long enough. */
    void recycleAged() {
        Generation g = generations.current();
        if (g != null) {
            reloads.recycleAged(g);
        }
    }

    /** Closes the retired generations whose processes are all gone. */
    void closeRetired() {
        if (generations.current() != null) {
            generations.closeRetired();
        }
    }

    /** The cheaper cycle: the number of running workers follows the algorithm. */
    void manageWorkers() {
        Generation g = generations.current();
        if (g != null) {
            count.manage(g);
        }
    }

    /** Stops every worker: no new requests; those in hand finish within the mercy. */
    public void shutdown(Duration mercy) {
        long drainUntil = System.nanoTime() + mercy.toNanos();
        while (target.queued() > 0 && !failed && System.nanoTime() < drainUntil) {
            try {
                Thread.sleep(20); // waiting for the cores to take what is queued, bounded by the mercy
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stopping = true;
        started.complete(null);
        List<Generation> all = generations.retireAll();
        long deadline = System.nanoTime() + mercy.toNanos();
        for (Generation g : all) {
            for (int id = 1; id < g.workers.length; id++) {
                processes().awaitExit(g.workers[id].pid, deadline);
            }
            if (g.host != null) {
                processes().awaitExit(g.host.pid(), deadline);
            }
        }
        target.failAll();
        target.closeReady();
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
        generations.closeAll();
    }
}
