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
import org.uwsgi4j.kernel.api.CheaperAlgorithm;
import org.uwsgi4j.kernel.cheaper.Cheaper;
import org.uwsgi4j.kernel.cheaper.CheaperAlgorithms;
import org.uwsgi4j.kernel.cheaper.CheaperSettings;
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
 * changes the pool's state.
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
    private final List<Generation> old = new ArrayList<>();
    private volatile Generation current;
    private Generation replacing;
    private int generations;
    private volatile boolean failed;
    private volatile boolean stopping;
    private final RespawnThrottle throttle = new RespawnThrottle();
    private final java.util.ArrayDeque<Integer> chain = new java.util.ArrayDeque<>();
    private boolean chaining;
    private long nextEvilCheckNanos;
    private final Cheaper cheaper;

    /**
     * A pool of {@code host} workers for {@code modifier1}, driven by {@code master}; in cheaper
     * mode it asks one of {@code algorithms} each cycle how many workers to run.
     */
    public WorkerPool(int modifier1, WorkerHost host, PoolSettings settings, MasterLoop master,
                      CheaperAlgorithms algorithms) {
        this.cheaper = settings.cheaper().enabled() ? new Cheaper(settings.cheaper(), algorithms) : null;
        this.modifier1 = modifier1;
        this.host = host;
        this.settings = settings;
        this.dir = master.runtimeDir();
        this.master = master;
        this.exit = master.exit();
        this.queue = new LinkedBlockingDeque<>(Math.max(1, settings.listen()));
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

    /** The workers that serve now (the current generation), for the stats server. */
    public List<WorkerView> workers() {
        Generation g = current;
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
        current = startGeneration();
    }

    private Generation startGeneration() throws IOException {
        int n = ++generations;
        Generation g = new Generation(this, n, dir.path().resolve("m" + modifier1 + "-g" + n + ".sock"),
                settings.processes(), settings.threads());
        WorkerOwnership.apply(g.socket, settings.uid(), settings.gid());
        if (cheaper != null) {
            // cheaper mode: start --cheaper-initial workers, or on a reload as many as run now
            int start = Math.max(settings.cheaper().initial(), current == null ? 0 : activeWorkers(current));
            for (int w = start + 1; w < g.workers.length; w++) {
                g.workers[w].state = Worker.State.CHEAPED;
            }
        }
        if (settings.lazyApps()) {
            for (int w = 1; w < g.workers.length; w++) {
                if (g.workers[w].state != Worker.State.CHEAPED) {
                    spawnLazy(g.workers[w]);
                }
            }
        } else {
            Process p = ProcessLauncher.start(host, g.socket, dir.token(), "host", 0, settings);
            g.host = p;
            p.onExit().thenRun(() -> master.post(() -> hostExited(g, p)));
        }
        return g;
    }

    private void spawnLazy(Worker w) throws IOException {
        Process p = ProcessLauncher.start(host, w.generation.socket, dir.token(), "worker", w.id, settings);
        w.pid = p.pid();
        w.state = Worker.State.SPAWNING;
        w.spawnedAtMillis = System.currentTimeMillis();
        p.onExit().thenRun(() -> master.post(() -> workerExited(w.generation, w.id, p.pid(),
                p.exitValue() > 128 ? 0 : p.exitValue(), p.exitValue() > 128 ? p.exitValue() - 128 : 0)));
    }

    void hostReady(Generation g) {
        g.ready = true;
        LOG.info("{} ready (generation {}, host pid: {})", host.name(), g.number, g.host == null ? 0 : g.host.pid());
        for (int w = 1; w < g.workers.length; w++) {
            if (g.workers[w].state != Worker.State.CHEAPED) {
                fork(g.workers[w]);
            }
        }
    }

    private void fork(Worker w) {
        try {
            w.state = Worker.State.SPAWNING;
            w.spawnedAtMillis = System.currentTimeMillis();
            w.generation.fork(w.id);
        } catch (IOException e) {
            LOG.warn("cannot fork worker {}: {}", w.id, e.getMessage());
        }
    }

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
        if (g == current) {
            LOG.error("*** no app loaded for modifier1 {}: its requests get 502 ***", modifier1);
            failed = true;
            for (Job j; (j = queue.poll()) != null; ) {
                j.fail();
            }
        }
    }

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
            retireReplacedWhenReady();
            if (chaining && w.respawns > 0 && w.generation == current) {
                nextInChain();
            }
        }
    }

    /** After a reload: once every worker of the new generation runs, the old one retires. */
    private void retireReplacedWhenReady() {
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
        old.add(g);
    }

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
        if (g.retiring || stopping) {
            LOG.info("worker {} (pid: {}) stopped", id, pid);
            return;
        }
        if (w.cheaping) {
            LOG.info("worker {} killed successfully (pid: {})", id, pid);
            LOG.info("uWSGI worker {} cheaped.", id);
            Worker slot = new Worker(id, g, w.cores.length);
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
        if (settings.lazyApps() && was == Worker.State.SPAWNING && status == FAILED_APP_CODE) {
            loadFailed(g, "worker " + id + " (pid: " + pid + ") could not load the app (exit status " + status + ")");
            return;
        }
        if (signal != 0) {
            LOG.warn("DAMN ! worker {} (pid: {}) died, killed by signal {} :( trying respawn ...", id, pid, signal);
        } else {
            LOG.warn("DAMN ! worker {} (pid: {}) died :( trying respawn ...", id, pid);
        }
        respawn(w);
    }

    private void respawn(Worker w) {
        Duration delay = throttle.delayFor(w.id);
        if (!delay.isZero()) {
            LOG.warn("worker respawning too fast !!! i have to sleep a bit ({} seconds)...", delay.toSeconds());
            master.postLater(() -> respawnNow(w), delay);
        } else {
            respawnNow(w);
        }
    }

    private void respawnNow(Worker w) {
        if (stopping || w.generation != current || w.state != Worker.State.DEAD) {
            return;
        }
        spawnInto(w.generation, w.id, w.respawns + 1);
    }

    void hostExited(Generation g, Process p) {
        if (g != current || stopping || g.retiring) {
            return;
        }
        if (!g.ready) {
            // its LOADFAIL frame, which says why, may still be on the way: give it a moment
            master.postLater(() -> loadFailed(g, "the worker host exited with status " + p.exitValue()
                    + " before the app was ready"), Duration.ofMillis(500));
            return;
        }
        LOG.error("!!! the worker host (pid: {}) died with status {}: starting a new generation !!!", p.pid(), p.exitValue());
        reload();
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
            chainReload();
            return;
        }
        try {
            Generation previous = current;
            if (replacing != null) {
                retire(replacing); // a reload during a reload: the oldest goes at once
            }
            current = startGeneration();
            failed = false;
            replacing = previous;
        } catch (IOException e) {
            LOG.error("!!! reload failed: {} !!!", e.getMessage());
        }
    }

    /**
     * {@code --chain-reload} (with {@code --lazy-apps}): the workers are replaced one at a time,
     * each loading the current code itself; the next goes once its predecessor's replacement runs.
     */
    private void chainReload() {
        chaining = true;
        chain.clear();
        for (int id = 1; id < current.workers.length; id++) {
            if (current.workers[id].active()) {
                chain.add(id);
            }
        }
        nextInChain();
    }

    private void nextInChain() {
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

    /**
     * Recycles worker {@code w} gracefully: its cores finish what they hold and tell it to stop;
     * its exit is then answered with a respawn. Killed if it takes longer than the mercy.
     */
    void recycle(Worker w, String why) {
        if (w.recycling || w.state == Worker.State.DEAD || w.state == Worker.State.CHEAPED || w.generation != current) {
            return;
        }
        w.recycling = true;
        LOG.info("worker {} (pid: {}) {}: recycling it", w.id, w.pid, why);
        w.state = Worker.State.RETIRING;
        long pid = w.pid;
        master.postLater(() -> {
            if (isAlive(pid) && w.state == Worker.State.RETIRING) {
                kill(w, "did not stop within --worker-reload-mercy");
            }
        }, settings.workerMercy());
    }

    /** The master's periodic checks: harakiri, lifetime, mercy of retiring generations. */
    void tick() {
        Generation g = current;
        if (g == null) {
            return;
        }
        long now = System.nanoTime();
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
                    if (since != 0 && now - since > settings.harakiri().toNanos() && !c.harakiri) {
                        harakiri(w, c);
                    }
                }
            }
            if (!settings.maxLifetime().isZero()
                    && System.currentTimeMillis() - w.spawnedAtMillis > settings.maxLifetime().toMillis()) {
                recycle(w, "reached --max-worker-lifetime");
            }
            if (checkMemory) {
                evilReloadOnRss(w);
            }
        }
        old.removeIf(this::finishedRetiring);
        if (cheaper != null && !stopping && cheaper.due(now)) {
            cheaperCycle(g);
        }
    }

    private static int activeWorkers(Generation g) {
        int n = 0;
        for (int id = 1; id < g.workers.length; id++) {
            n += g.workers[id].active() ? 1 : 0;
        }
        return n;
    }

    /**
     * One cycle of the cheaper mode: the rss limits first (as uWSGI's master checks them), then
     * the algorithm; more workers are spawned into cheaped slots, fewer means the oldest idle
     * worker stops gracefully and its slot stays cheaped.
     */
    private void cheaperCycle(Generation g) {
        int active = 0;
        int busy = 0;
        int cheaped = 0;
        long rss = 0;
        CheaperSettings cs = settings.cheaper();
        for (int id = 1; id < g.workers.length; id++) {
            Worker w = g.workers[id];
            if (w.active()) {
                active++;
                busy += w.state == Worker.State.RUNNING && WorkerView.busy(w) ? 1 : 0;
                rss += cs.readsMemory() ? ProcMemory.of(w.pid).rss() : 0;
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
        canSpawn &= cs.rssSoft() == 0 || rss < cs.rssSoft();
        int n = cheaper.decide(new CheaperAlgorithm.Load(settings.processes(), cs.minimum(),
                cs.step(), cs.overload(), active, busy, cheaped, queue.size(), rss, canSpawn));
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

    private void decheap(Generation g, int id) {
        if (!spawnInto(g, id, g.workers[id].respawns)) {
            g.workers[id].state = Worker.State.CHEAPED;
        }
    }

    /**
     * Puts a new worker with {@code respawns} earlier lives into slot {@code id} of {@code g}
     * and starts it (forked by the host, or its own process with --lazy-apps); false, logged,
     * when it cannot be started.
     */
    private boolean spawnInto(Generation g, int id, long respawns) {
        Worker fresh = new Worker(id, g, settings.threads());
        fresh.respawns = respawns;
        g.workers[id] = fresh;
        try {
            if (settings.lazyApps()) {
                spawnLazy(fresh);
            } else {
                fork(fresh);
            }
            return true;
        } catch (IOException e) {
            LOG.error("!!! cannot spawn worker {}: {} !!!", id, e.getMessage());
            return false;
        }
    }

    /** Stops the idle worker that was spawned first; it finishes nothing, it holds nothing. */
    private void cheapOldestIdle(Generation g) {
        Worker oldest = null;
        for (int id = 1; id < g.workers.length; id++) {
            Worker w = g.workers[id];
            if (w.state == Worker.State.RUNNING && !w.recycling && !WorkerView.busy(w)
                    && (oldest == null || w.spawnedAtMillis < oldest.spawnedAtMillis)) {
                oldest = w;
            }
        }
        if (oldest == null) {
            return;
        }
        Worker w = oldest;
        w.cheaping = true;
        w.recycling = true;
        w.state = Worker.State.RETIRING; // its cores see it and tell it to stop
        long pid = w.pid;
        master.postLater(() -> {
            if (isAlive(pid) && w.state == Worker.State.RETIRING) {
                kill(w, "did not stop within --worker-reload-mercy");
            }
        }, settings.workerMercy());
    }

    private void harakiri(Worker w, CoreLink c) {
        c.harakiri = true;
        LOG.warn("*** HARAKIRI ON WORKER {} (pid: {}, try: 1) ***", w.id, w.pid);
        if (settings.harakiriVerbose()) {
            // uWSGI's --harakiri-verbose: where the worker is stuck, as the kernel sees it
            procLine(w.pid, "syscall").ifPresent(l -> LOG.warn("HARAKIRI: -- syscall> {}", l));
            procLine(w.pid, "wchan").ifPresent(l -> LOG.warn("HARAKIRI: -- wchan> {}", l));
        }
        Job job = c.job;
        LOG.warn("- HARAKIRI [core {}] {} since {} -", c.id, job == null ? "-" : job.describe(),
                (System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - c.busySinceNanos)) / 1000);
        LOG.warn("- HARAKIRI !!! end of worker {} status !!!", w.id);
        ProcessHandle.of(w.pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** The first line of /proc/PID/NAME, if it can be read and is not empty. */
    private static java.util.Optional<String> procLine(long pid, String name) {
        try (var lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc", Long.toString(pid), name))) {
            return lines.findFirst().map(String::strip).filter(l -> !l.isEmpty());
        } catch (IOException | java.io.UncheckedIOException e) {
            return java.util.Optional.empty();
        }
    }

    /** {@code --evil-reload-on-rss}: a worker over the limit is killed at once, as uWSGI's master does. */
    private void evilReloadOnRss(Worker w) {
        long rss = ProcMemory.of(w.pid).rss();
        if (rss >= settings.evilReloadOnRss() << 20) {
            LOG.warn("*** EVIL RELOAD ON WORKER {} RSS: {} (pid: {}) ***", w.id, rss, w.pid);
            ProcessHandle.of(w.pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private void kill(Worker w, String why) {
        LOG.warn("worker {} (pid: {}) {}: killing it", w.id, w.pid, why);
        ProcessHandle.of(w.pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    private boolean finishedRetiring(Generation g) {
        boolean anyAlive = false;
        for (int id = 1; id < g.workers.length; id++) {
            anyAlive |= g.workers[id].state != Worker.State.DEAD && isAlive(g.workers[id].pid);
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

    private static boolean isAlive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
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
        List<Generation> all = new ArrayList<>(old);
        if (current != null) {
            all.add(current);
        }
        if (replacing != null) {
            all.add(replacing);
        }
        for (Generation g : all) {
            retire(g);
        }
        long deadline = System.nanoTime() + mercy.toNanos();
        for (Generation g : all) {
            for (int id = 1; id < g.workers.length; id++) {
                awaitExit(g.workers[id].pid, deadline);
            }
            if (g.host != null) {
                awaitExit(g.host.pid(), deadline);
            }
        }
        for (Job j; (j = queue.poll()) != null; ) {
            j.fail();
        }
    }

    private static void awaitExit(long pid, long deadlineNanos) {
        ProcessHandle.of(pid).ifPresent(p -> {
            try {
                p.onExit().get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        });
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
        for (Generation g : old) {
            try {
                g.close();
            } catch (IOException e) {
                // best effort
            }
        }
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
