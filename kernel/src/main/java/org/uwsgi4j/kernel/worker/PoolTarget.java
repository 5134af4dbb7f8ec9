package org.uwsgi4j.kernel.worker;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.dispatch.ClientRequest;
import org.uwsgi4j.kernel.dispatch.RequestQueue;
import org.uwsgi4j.kernel.dispatch.Target;
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
 * </pre>
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

    PoolTarget(WorkerPool pool, PoolSettings settings, MasterLoop master, WorkerCalls calls) {
        this.pool = pool;
        this.settings = settings;
        this.master = master;
        this.calls = calls;
        this.queue = new RequestQueue<>(settings.listen(), settings.queueTimeout().toNanos(), Job::overloaded, System::nanoTime);
    }

    /** Queues a request. A failed or stopping pool fails it at once. */
    @Override
    public void submit(ClientRequest request) {
        offer(new WorkerForward(request, calls));
    }

    /** Queues {@code job}; a failed or stopping pool fails it at once. */
    void offer(Job job) {
        if (pool.refusing()) {
            job.fail();
            return;
        }
        queue.add(job);
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
    }

    /** Serves requests on core {@code c} of worker {@code w} while it takes them; runs on the core's own thread. */
    void serveCore(Worker w, CoreLink c) {
        while (w.takesRequests()) {
            Job job = w.signals.poll(); // a signal for this worker first: between requests
            if (job != null) {
                if (runSignal(w, c, job)) {
                    continue;
                }
                break;
            }
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
            Job.Outcome outcome = job.forward(c.channel, () -> !c.killedForItsRequest);
            c.busySinceNanos = 0;
            c.job = null;
            if (outcome == Job.Outcome.RETRY) {
                requeue(job);
                break;
            }
            w.tx.addAndGet(job.bodyBytes()); // a retried request had sent nothing
            if (job.appError()) {
                w.exceptions.incrementAndGet();
            }
            if (outcome == Job.Outcome.WORKER_DIED) {
                break;
            }
            c.requests++;
            w.totalMicros.addAndGet((System.nanoTime() - start) / 1000);
            long n = w.requests.incrementAndGet();
            if (settings.maxRequests() > 0 && n >= settings.maxRequests()) {
                master.post(() -> pool.recycle(w, "reached --max-requests " + settings.maxRequests()));
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
