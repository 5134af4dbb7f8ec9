package org.uwsgi4j.kernel.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.AppRuntime;

/**
 * Hands requests to worker cores. Each core is one platform thread that serves one request at
 * a time; a request waits in a bounded queue while every core is busy, and is refused when
 * the queue is full.
 *
 * <pre>
 *  connection (virtual thread) ─submit(job)─▶ [ bounded queue ] ─▶ core thread: job.run(runtime for modifier1, core)
 * </pre>
 *
 * The runtime is looked up when a core takes the job, so a runtime that appears or goes away
 * while requests wait is seen at once.
 */
public final class Dispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /** One request waiting for a core. */
    public interface Job {
        /** The modifier1 that selects the runtime. */
        int modifier1();

        /**
         * Serves the request on core {@code core}, with the runtime registered for its
         * modifier1 now, or empty when there is none. Must not throw.
         */
        void run(Optional<AppRuntime> runtime, Core core);
    }

    private final Modifiers modifiers;
    private final BlockingQueue<Job> queue;
    private final List<Core> cores = new ArrayList<>();
    private final AtomicLong rejected = new AtomicLong();

    /** Starts {@code workers × threads} cores and a queue of {@code queueCapacity} places. */
    public Dispatcher(Modifiers modifiers, int workers, int threads, int queueCapacity) {
        this.modifiers = modifiers;
        this.queue = new ArrayBlockingQueue<>(Math.max(1, queueCapacity));
        for (int w = 1; w <= workers; w++) {
            for (int c = 0; c < threads; c++) {
                Core core = new Core(w, c);
                cores.add(core);
                core.thread = Thread.ofPlatform().name("uwsgi4j-core-" + w + "-" + c).daemon().start(() -> serve(core));
            }
        }
    }

    /** Queues {@code job}; false when the queue is full (the caller answers 503). */
    public boolean submit(Job job) {
        if (queue.offer(job)) {
            return true;
        }
        rejected.incrementAndGet();
        return false;
    }

    private void serve(Core core) {
        while (!Thread.currentThread().isInterrupted()) {
            Job job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            core.inRequest = true;
            try {
                job.run(modifiers.runtime(job.modifier1()), core);
            } catch (RuntimeException e) {
                LOG.error("!!! uwsgi4j internal error serving a request on core {} !!!", core.id(), e);
            } finally {
                core.inRequest = false;
                core.requests.incrementAndGet();
            }
        }
    }

    /** Requests waiting for a core now. */
    public int queued() {
        return queue.size();
    }

    /** The queue's capacity. */
    public int capacity() {
        return queue.size() + queue.remainingCapacity();
    }

    /** Requests refused because the queue was full, since start. */
    public long rejected() {
        return rejected.get();
    }

    /** Every core, in worker then core order. */
    public List<Core> cores() {
        return List.copyOf(cores);
    }

    @Override
    public void close() {
        cores.forEach(c -> c.thread.interrupt());
    }

    /** One worker core: its worker number (from 1), its core number, and its counters. */
    public static final class Core {
        private final int worker;
        private final int id;
        private final AtomicLong requests = new AtomicLong();
        private volatile boolean inRequest;
        private Thread thread;

        Core(int worker, int id) {
            this.worker = worker;
            this.id = id;
        }

        /** The worker this core belongs to, from 1 (uWSGI's wid). */
        public int worker() {
            return worker;
        }

        /** The core number within its worker, from 0. */
        public int id() {
            return id;
        }

        /** Requests this core finished. */
        public long requests() {
            return requests.get();
        }

        /** True while serving a request. */
        public boolean inRequest() {
            return inRequest;
        }
    }
}
