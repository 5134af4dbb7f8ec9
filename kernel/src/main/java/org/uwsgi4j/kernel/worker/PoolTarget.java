package org.uwsgi4j.kernel.worker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.dispatch.ClientRequest;
import org.uwsgi4j.kernel.dispatch.ReadySet;
import org.uwsgi4j.kernel.dispatch.RequestQueue;
import org.uwsgi4j.kernel.dispatch.Target;
import org.uwsgi4j.kernel.os.Epoll;
import org.uwsgi4j.kernel.os.ProcMemory;
import org.uwsgi4j.kernel.protocol.FrameType;

/**
 * The serving side of a {@link WorkerPool}, its {@link Target} in the dispatch table: the
 * queue ({@link RequestQueue}: its gate closes at {@code --listen}, the overload policy is
 * there) and the core threads that take requests from it, one per worker core, each owning its
 * core's channel.
 *
 * <pre>
 *  connection ─submit─▶ [ RequestQueue (--listen) ] ─▶ core thread (one per worker core)
 *                                                         └─ Job.forward(channel): REQUEST ▶ START/DATA/END
 *  kept-alive connection ─▶ [ ReadySet ] ─readable─▶ an idle core thread reads and parses it ─submit─▶ that same core
 * </pre>
 *
 * <p><b>Leader/follower.</b> An idle core waits for either: a queued request, or a kept-alive
 * connection of its {@link ReadySet} becoming readable. It then reads and parses that request
 * on its own thread, and the request it submits to this target is handed straight to it (no
 * queue, no wake-up of another thread); a request for another target goes there. A core takes
 * from the queue and the set in turn while both have work, so neither starves.
 *
 * Each worker counts here what it served: requests, exceptions (the app raised), bytes sent
 * and time. A core that finds its worker retiring gives its request back to the queue's head.
 */
final class PoolTarget implements Target {

    private static final Logger LOG = LoggerFactory.getLogger(PoolTarget.class);

    private final WorkerPool pool;
    private final PoolSettings settings;
    private final MasterLoop master;
    private final RequestQueue<Job> queue;
    /** What answers the workers' {@code CALL}s. */
    private final WorkerCalls calls;
    /** The kept-alive connections this target's idle cores watch. */
    private final ReadySet ready;
    /** The calling core's hand-off slot while it reads a connection's request (core threads only). */
    private final ThreadLocal<Slot> slots = new ThreadLocal<>();
    /** The cores' ahead slots: requests written ahead while every core is busy. */
    private final Aheads aheads;

    PoolTarget(WorkerPool pool, PoolSettings settings, MasterLoop master, WorkerCalls calls) {
        this.pool = pool;
        this.settings = settings;
        this.master = master;
        this.calls = calls;
        this.queue = new RequestQueue<>(settings.listen(), settings.queueTimeout().toNanos(), Job::overloaded, System::nanoTime);
        // --queue-timeout is measured in the queue, and the cheaper algorithms read the queue as
        // their backlog: with either, every request goes through the queue (docs/sockets.md)
        this.ready = settings.queueTimeout().isZero() && !settings.cheaper().enabled() ? ReadySet.open() : ReadySet.off();
        this.aheads = new Aheads(ready.isOpen(), this::giveBack);
    }

    /**
     * The ahead slot of a core whose worker offered the FIFO {@code path} (docs/worker-protocol.md,
     * "Requests written ahead"), or null; see {@link Aheads#open}.
     */
    Ahead aheadAt(Path path) {
        return aheads.open(path);
    }

    /** A request read back out of an ahead FIFO, for the first core that takes one. */
    private void giveBack(Job job) {
        requeue(job);
        ready.nudge();
    }

    /** Where a core puts the request it read itself, to serve it next. */
    private static final class Slot {
        /** The core is reading a connection's request: a job submitted now is its own. */
        boolean open;
        Job job;
        /** The last job {@link #next} returned was read by the core itself (not queued). */
        boolean took;
    }

    /** Queues a request. A failed or stopping pool fails it at once. */
    @Override
    public void submit(ClientRequest request) {
        request.waitNextIn(ready);
        offer(new WorkerForward(request, calls));
    }

    /**
     * Queues {@code job}, or hands it to the calling core when that core read it (see the
     * class comment); a failed or stopping pool fails it at once.
     */
    void offer(Job job) {
        if (pool.refusing()) {
            job.fail();
            return;
        }
        Slot own = slots.get();
        if (own != null && own.open && own.job == null) {
            own.job = job;
            return;
        }
        queue.add(job);
        ready.nudge();
    }

    @Override
    public void awaitTurn(RequestQueue.Lane lane) throws InterruptedException {
        queue.awaitTurn(lane);
    }

    @Override
    public void expire() {
        queue.expire();
    }

    /** Requests answered 503 because they waited longer than {@code --queue-timeout}, since start. */
    long shed() {
        return queue.shed();
    }

    @Override
    public int queued() {
        return queue.size();
    }

    @Override
    public int capacity() {
        return queue.capacity();
    }

    /** Fails every queued request (502): the pool's app failed to load, or it stopped. */
    void failAll() {
        queue.drain().forEach(Job::fail);
        ready.releaseAll();
    }

    @Override
    public ReadySet readySet() {
        return ready.isOpen() ? ready : null;
    }

    /** The pool stopped: kept-alive connections go back to waiting on their own threads. */
    void closeReady() {
        ready.close();
    }

    /**
     * Serves requests on core {@code c} of worker {@code w} while it takes them; runs on the core's
     * own thread. A request written ahead and taken by the worker is served even when the worker
     * stopped taking requests meanwhile (it is in the worker); one still in the FIFO, or in a
     * worker that died, goes back to the queue.
     */
    void serveCore(Worker w, CoreLink c) {
        Slot slot = new Slot();
        slots.set(slot);
        Epoll.Events events = ready.events();
        Ahead ahead = c.ahead;
        if (ahead != null) {
            aheads.serving(ahead);
        }
        try {
            serve(w, c, slot, events, ahead);
        } finally {
            if (ahead != null) {
                aheads.stopped(ahead);
            }
        }
        if (w.state == Worker.State.RETIRING || w.state == Worker.State.RUNNING) {
            try {
                c.channel.write(FrameType.STOP, 0);
            } catch (IOException e) {
                // gone already
            }
        }
        if (ahead != null) {
            ahead.close();
        }
    }

    private void serve(Worker w, CoreLink c, Slot slot, Epoll.Events events, Ahead ahead) {
        boolean fromQueue = false;
        Ahead.Claim held = null; // the request written ahead behind the last one: served next
        while (true) {
            Job job;
            boolean sentAhead = false;
            if (held != null) {
                job = held.job();
                sentAhead = held.taken();
                held = null;
                if (!sentAhead && !w.takesRequests()) {
                    requeue(job);
                    break;
                }
            } else {
                if (!w.takesRequests()) {
                    break;
                }
                job = w.signals.poll(); // a signal for this worker first: between requests
                if (job != null) {
                    if (runSignal(w, c, job)) {
                        continue;
                    }
                    break;
                }
                try {
                    job = next(slot, events, fromQueue);
                } catch (InterruptedException e) {
                    break;
                }
                if (job == null) {
                    fromQueue = false;
                    continue;
                }
                fromQueue = !slot.took;
                if (!w.takesRequests()) {
                    requeue(job);
                    break;
                }
            }
            c.job = job;
            job.servedBy(w.id, c.id, w.pid);
            long start = System.nanoTime();
            c.busySinceNanos = start;
            Job inHand = job;
            Job.Outcome outcome = job.forward(new Job.Turn(c.channel, () -> !c.killedForItsRequest, ahead, sentAhead,
                    ahead == null || events == null ? NOTHING : () -> writeAhead(w, c, inHand, slot, events)));
            c.busySinceNanos = 0;
            c.job = null;
            held = ahead == null ? null : ahead.claim();
            if (outcome == Job.Outcome.RETRY) {
                giveBackHeld(held);
                requeue(job);
                break;
            }
            w.tx.addAndGet(job.bodyBytes()); // a retried request had sent nothing
            if (job.appError()) {
                w.exceptions.incrementAndGet();
            }
            if (outcome == Job.Outcome.WORKER_DIED) {
                giveBackHeld(held); // never started: it is safe to send again (an idempotent request, its body here)
                break;
            }
            c.requests++;
            w.totalMicros.addAndGet((System.nanoTime() - start) / 1000);
            long n = w.requests.incrementAndGet();
            if (settings.maxRequests() > 0 && n >= settings.maxRequests() && w.state != Worker.State.RETIRING) {
                master.post(() -> pool.recycle(w, "reached --max-requests " + settings.maxRequests()));
                w.state = Worker.State.RETIRING; // at once: no other core of it takes a request
            } else if (settings.reloadOnRss() > 0 && w.takesRequests() && overReloadOnRss(w)) {
                w.state = Worker.State.RETIRING;
            }
            if (!w.takesRequests() && (held == null || !held.taken())) {
                giveBackHeld(held);
                break;
            }
        }
    }

    private static final Runnable NOTHING = () -> { };

    /** A request written ahead that this core will not serve: back to the queue's head. */
    private void giveBackHeld(Ahead.Claim held) {
        if (held != null) {
            giveBack(held.job());
        }
    }

    /**
     * Writes the next request ahead of {@code inHand}, which has just gone to the worker of core
     * {@code c} (docs/worker-protocol.md, "Requests written ahead"): only while every core is busy,
     * the worker takes requests and is not about to be recycled for its count, and a request
     * is waiting (queued, or on a ready kept-alive connection, read and parsed here as an idle
     * core would); one that may not go ahead ({@link Job#aheadFrames}) goes back to the queue's
     * head for the first free core.
     */
    private void writeAhead(Worker w, CoreLink c, Job inHand, Slot slot, Epoll.Events events) {
        if (!aheads.mayWrite(c.ahead) || !w.takesRequests()
                || settings.maxRequests() > 0 && w.requests.get() + 2 > settings.maxRequests()) {
            return;
        }
        Job next;
        try {
            next = queue.poll(0, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (next == null && ready.isOpen()) {
            next = readFrom(slot, ready.await(events, 0));
            if (aheads.anyIdle()) {
                ready.nudge(); // the wait above may have taken a nudge meant for a core that turned idle meanwhile
            }
        }
        if (next != null) {
            aheads.write(c.ahead, inHand, next);
        }
    }

    /**
     * The next request for a core: from the queue, or read by this core from a kept-alive
     * connection of the ready set that became readable; null after 200 ms without one (the core
     * then looks at its worker's state and signals again). With {@code queueLast} (the last
     * request came from the queue) and the queue not empty, a ready connection goes first.
     */
    private Job next(Slot slot, Epoll.Events events, boolean queueLast) throws InterruptedException {
        aheads.idle(true); // from here on no core writes a request ahead; one written before is found below
        try {
            Job stolen = aheads.steal();
            if (stolen != null) {
                slot.took = false;
                return stolen;
            }
            return nextWhenIdle(slot, events, queueLast);
        } finally {
            aheads.idle(false);
        }
    }

    private Job nextWhenIdle(Slot slot, Epoll.Events events, boolean queueLast) throws InterruptedException {
        slot.took = false;
        if (events == null || !ready.isOpen()) {
            return queue.poll(200, TimeUnit.MILLISECONDS);
        }
        if (queueLast && queue.size() > 0) {
            Job own = readFrom(slot, ready.await(events, 0));
            if (own != null) {
                return own;
            }
        }
        Job job = queue.poll(0, TimeUnit.NANOSECONDS);
        if (job != null) {
            return job;
        }
        ReadySet.Waiting conn;
        ready.waiting(true); // from here on a queued request nudges the set: no request waits for the timeout
        try {
            job = queue.poll(0, TimeUnit.NANOSECONDS);
            if (job != null) {
                return job;
            }
            conn = ready.await(events, 200);
        } finally {
            ready.waiting(false);
        }
        return readFrom(slot, conn);
    }

    /**
     * Serves the start of {@code conn}'s next request on this core's thread; returns the request
     * it submitted to this target (this core serves it next), or null (the request went to
     * another target, or to the connection's own thread, or none was whole yet).
     */
    private Job readFrom(Slot slot, ReadySet.Waiting conn) {
        if (conn == null) {
            return null;
        }
        slot.open = true;
        try {
            conn.ready();
        } catch (RuntimeException e) {
            LOG.error("!!! reading a kept-alive connection failed: {} !!!", e.toString(), e);
        } finally {
            slot.open = false;
        }
        Job job = slot.job;
        slot.job = null;
        slot.took = job != null;
        return job;
    }

    /**
     * Runs a signal's handler on core {@code c} (a {@link SignalJob}); no request is counted.
     * False when the worker's channel broke meanwhile.
     */
    private static boolean runSignal(Worker w, CoreLink c, Job signal) {
        c.job = signal;
        signal.servedBy(w.id, c.id, w.pid);
        c.busySinceNanos = System.nanoTime();
        Job.Outcome outcome = signal.forward(c.channel, () -> false);
        c.busySinceNanos = 0;
        c.job = null;
        return outcome == Job.Outcome.DONE;
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
        master.post(() -> pool.recycle(w, "reached --reload-on-rss " + settings.reloadOnRss() + " (rss: " + rss + " bytes)"));
        return true;
    }

    /** Puts a request back at the head of the queue (a retry). */
    private void requeue(Job job) {
        queue.addFirst(job);
    }
}
