package org.uwsgi4j.kernel.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.cheaper.CheaperAlgorithms;
import org.uwsgi4j.kernel.api.WorkerHost;
import org.uwsgi4j.kernel.os.ProcMemory;

/**
 * The worker processes of one language runtime (one modifier1), kept healthy by the master:
 * they are spawned (forked by a host that loaded the app, or started one by one with
 * {@code --lazy-apps}), respawned when they die, recycled after {@code --max-requests}, killed
 * by {@code --harakiri}, and replaced generation by generation on reload.
 *
 * <pre>
 *  connection ─submit─▶ [ bounded queue (--listen) ] ─▶ core thread (one per worker core)
 *                                                         └─ job.forward(channel): REQUEST ▶ START/DATA/END
 * </pre>
 *
 * Threads: connections call {@link #submit}; each core has its own platform thread; every
 * other method runs on the master's thread ({@link MasterLoop}), which is the only one that
 * changes the pool's state. The master side is split by responsibility: {@link Generations}
 * (the generations' state), {@link Spawner} (spawn and respawn), {@link HungWorkers} (harakiri,
 * evil reload), {@link Reloads} (recycle, chain reload) and {@link WorkerCount} (the cheaper
 * cycle); this class takes the events the channels and processes post, and the loop's verbs.
 */
public final class WorkerPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);
    /** uWSGI's exit code when --need-app is set and the app did not load. */
    public static final int FAILED_APP_CODE = 22;

    private final int modifier1;
    private final WorkerHost host;
    private final PoolSettings settings;
    private final RuntimeDir dir;
    private final MasterLoop master;
    private final IntConsumer exit;
    private final LinkedBlockingDeque<Job> queue;
    private volatile boolean failed;
    private volatile boolean stopping;
    private final Spawner spawner;
    private final Generations generations;
    private final Reloads reloads;
    private final HungWorkers hung;
    private final WorkerCount count;

    /**
     * A pool of {@code host} workers for {@code modifier1}, driven by {@code master}; in cheaper
     * mode it asks one of {@code algorithms} each cycle how many workers to run.
     */
    public WorkerPool(int modifier1, WorkerHost host, PoolSettings settings, MasterLoop master,
                      CheaperAlgorithms algorithms) {
        this.modifier1 = modifier1;
        this.host = host;
        this.settings = settings;
        this.dir = master.runtimeDir();
        this.master = master;
        this.exit = master.exit();
        this.queue = new LinkedBlockingDeque<>(Math.max(1, settings.listen()));
        this.spawner = new Spawner(this);
        this.generations = new Generations(this, spawner);
        this.reloads = new Reloads(this);
        this.hung = new HungWorkers(this);
        this.count = new WorkerCount(this, spawner, reloads, algorithms);
    }

    // ---- any thread

    /** Queues a request; false when the queue is full (the caller answers 503). */
    public boolean submit(Job job) {
        if (failed || stopping) {
            job.fail();
            return true;
        }
        return queue.offer(job);
    }

    public int modifier1() {
        return modifier1;
    }

    public int queued() {
        return queue.size();
    }

    public int capacity() {
        return queue.size() + queue.remainingCapacity();
    }

    String token() {
        return dir.token();
    }

    MasterLoop master() {
        return master;
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

    /** The generation that serves now (null before the pool starts). */
    Generation current() {
        return generations.current();
    }

    /** The workers that serve now (the current generation), for the stats server. */
    public List<WorkerView> workers() {
        Generation g = generations.current();
        List<WorkerView> views = new ArrayList<>();
        if (g != null) {
            for (int w = 1; w < g.workers.length; w++) {
                views.add(new WorkerView(g.workers[w]));
            }
        }
        return views;
    }

    /**
     * The memory of a worker for the stats server, read from /proc only when an option needs it
     * ({@code --memory-report}, {@code --reload-on-rss}, {@code --evil-reload-on-rss}).
     */
    public ProcMemory memory(WorkerView w) {
        return settings.readsMemory() ? ProcMemory.of(w.pid()) : ProcMemory.NONE;
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
        LOG.error("!!! {} failed to load: {} !!!", host.name(), reason);
        if (settings.needApp()) {
            LOG.error("*** no app loaded. GAME OVER (--need-app) ***");
            exit.accept(FAILED_APP_CODE);
            return;
        }
        if (g == generations.current()) {
            LOG.error("*** no app loaded for modifier1 {}: its requests get 502 ***", modifier1);
            failed = true;
            for (Job j; (j = queue.poll()) != null; ) {
                j.fail();
            }
        }
    }

    /** A core of worker {@code w} said HELLO: once all its cores did, the worker runs and serves. */
    void coreConnected(Worker w, long pid, CoreLink link) {
        if (w.state == Worker.State.DEAD || w.generation.retiring || stopping) {
            link.channel.close();
            return;
        }
        w.pid = pid;
        w.cores[link.id] = link;
        if (w.connectedCores() == w.cores.length && w.state == Worker.State.SPAWNING) {
            w.state = Worker.State.RUNNING; // before its core threads start: they serve while it runs
            for (CoreLink c : w.cores) {
                Thread.ofPlatform().daemon().name("uwsgi4j-worker-" + w.id + "-core-" + c.id).start(() -> serveCore(w, c));
            }
            if (w.respawns == 0) {
                LOG.info("spawned uWSGI worker {} (pid: {}, cores: {})", w.id, pid, w.cores.length);
            } else {
                LOG.info("Respawned uWSGI worker {} (new pid: {})", w.id, pid);
            }
            generations.retireReplacedWhenReady();
            reloads.running(w);
        }
    }

    /** Worker {@code id} of {@code g} exited: respawned, left cheaped, or let go with its generation. */
    void workerExited(Generation g, int id, long pid, int status, int signal) {
        spawner.workerExited(g, id, pid, status, signal);
    }

    /** The host of {@code g} exited: before READY the app failed to load; after, a new generation starts. */
    void hostExited(Generation g, long pid, int status) {
        if (g != generations.current() || stopping || g.retiring) {
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

    // ---- core threads

    private void serveCore(Worker w, CoreLink c) {
        while (w.takesRequests()) {
            Job job;
            try {
                job = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (job == null) {
                continue;
            }
            if (!w.takesRequests()) {
                requeue(job);
                break;
            }
            c.job = job;
            job.servedBy(w.id, c.id, w.pid);
            long start = System.nanoTime();
            c.busySinceNanos = start;
            Job.Outcome outcome = job.forward(c.channel, () -> !c.harakiri);
            c.busySinceNanos = 0;
            c.job = null;
            if (outcome == Job.Outcome.RETRY) {
                requeue(job);
                break;
            }
            if (outcome == Job.Outcome.WORKER_DIED) {
                break;
            }
            c.requests++;
            w.totalMicros.addAndGet((System.nanoTime() - start) / 1000);
            long n = w.requests.incrementAndGet();
            if (settings.maxRequests() > 0 && n >= settings.maxRequests()) {
                master.post(() -> recycle(w, "reached --max-requests " + settings.maxRequests()));
                w.state = Worker.State.RETIRING; // at once: no other core of it takes a request
                break;
            }
            if (settings.reloadOnRss() > 0 && w.takesRequests() && overReloadOnRss(w)) {
                w.state = Worker.State.RETIRING;
                break;
            }
        }
        if (w.state == Worker.State.RETIRING || w.state == Worker.State.RUNNING) {
            try {
                c.channel.write(FrameType.STOP, 0);
            } catch (IOException e) {
                // gone already
            }
        }
    }

    /**
     * {@code --reload-on-rss}, checked by a core after each request: a worker whose RSS reached
     * the limit is recycled gracefully (true), with uWSGI's line.
     */
    private boolean overReloadOnRss(Worker w) {
        long rss = ProcMemory.of(w.pid).rss();
        if (rss < settings.reloadOnRss() << 20) {
            return false;
        }
        LOG.info("...The work of process {} is done. Seeya!", w.pid);
        master.post(() -> recycle(w, "reached --reload-on-rss " + settings.reloadOnRss() + " (rss: " + rss + " bytes)"));
        return true;
    }

    /** Puts a request back at the head of the queue (a retry), or fails it when there is no room. */
    private void requeue(Job job) {
        if (!queue.offerFirst(job)) {
            job.fail();
        }
    }

    /** Stops every worker: no new requests; those in hand finish within the mercy. */
    public void shutdown(Duration mercy) {
        long drainUntil = System.nanoTime() + mercy.toNanos();
        while (!queue.isEmpty() && !failed && System.nanoTime() < drainUntil) {
            try {
                Thread.sleep(20); // waiting for the cores to take what is queued, bounded by the mercy
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stopping = true;
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
        for (Job j; (j = queue.poll()) != null; ) {
            j.fail();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
        generations.closeAll();
    }

    /** What the stats server shows of a worker. */
    public record WorkerView(int id, long pid, String status, long requests, long exceptions, long respawns,
                             long spawnedAtMillis, long totalMicros, List<long[]> cores) {
        WorkerView(Worker w) {
            this(w.id, w.pid, status(w),
                    w.requests.get(), w.exceptions.get(), w.respawns, w.spawnedAtMillis, w.totalMicros.get(), cores(w));
        }

        private static String status(Worker w) {
            return switch (w.state) {
                case RUNNING -> busy(w) ? "busy" : "idle";
                case CHEAPED -> "cheap";
                default -> w.state.name().toLowerCase();
            };
        }

        static boolean busy(Worker w) {
            for (CoreLink c : w.cores) {
                if (c != null && c.busy()) {
                    return true;
                }
            }
            return false;
        }

        /** Per core: {id, requests, in request 0/1}. */
        private static List<long[]> cores(Worker w) {
            List<long[]> list = new ArrayList<>();
            for (int i = 0; i < w.cores.length; i++) {
                CoreLink c = w.cores[i];
                list.add(new long[] {i, c == null ? 0 : c.requests, c != null && c.busy() ? 1 : 0});
            }
            return list;
        }
    }
}
