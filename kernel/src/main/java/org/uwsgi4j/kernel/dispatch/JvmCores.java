package org.uwsgi4j.kernel.dispatch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.AppRuntime;

/**
 * The one {@link Target} of every in-JVM {@link AppRuntime}: {@code --processes × --threads}
 * cores, each a platform thread that serves one request at a time; a request waits in a
 * {@link RequestQueue} while every core is busy (which holds the overload policy). The threads
 * start when the first runtime is bound to the table ({@link #start}): an instance that serves
 * only worker processes runs none.
 *
 * <pre>
 *  connection ─submit(request)─▶ [ RequestQueue ] ─▶ core thread: runtime for modifier1 .handle(request, response)
 * </pre>
 *
 * The runtime is looked up when a core takes the request, so a runtime that goes away while
 * requests wait is seen at once: they go back to the slot, which holds them while the runtime
 * is swapped ({@link SwapHold}) and else gives the "unavailable modifier" answer. Each core
 * notes the runtime of the request in hand, so a runtime going away can wait for those
 * ({@link #awaitIdle}). A runtime that
 * throws before starting its response: a 500 and the error in the log.
 */
public final class JvmCores implements Target, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JvmCores.class);
    private static final long PID = ProcessHandle.current().pid();
    /** What a core serves with while a request whose runtime went away is handed back. */
    private static final Object NO_RUNTIME = new Object();

    private final Modifiers modifiers;
    private final RequestQueue<ClientRequest> queue;
    private final List<Core> cores = new ArrayList<>();
    private boolean started;
    private boolean closed;

    /**
     * {@code workers × threads} cores (not started yet) and a queue whose gate closes at
     * {@code queueCapacity}; a request waiting longer than {@code timeoutNanos} (0: never) gets a 503.
     */
    JvmCores(Modifiers modifiers, int workers, int threads, int queueCapacity, long timeoutNanos) {
        this.modifiers = modifiers;
        this.queue = new RequestQueue<>(queueCapacity, timeoutNanos, ClientRequest::overloaded, System::nanoTime);
        for (int w = 1; w <= workers; w++) {
            for (int c = 0; c < threads; c++) {
                cores.add(new Core(w, c));
            }
        }
    }

    /** Starts the core threads, once (a runtime was bound). */
    synchronized void start() {
        if (started || closed) {
            return;
        }
        started = true;
        for (Core core : cores) {
            core.thread = Thread.ofPlatform().name("uwsgi4j-core-" + core.worker + "-" + core.id).daemon().start(() -> serve(core));
        }
    }

    @Override
    public void submit(ClientRequest request) {
        queue.add(request);
    }

    @Override
    public void awaitTurn(RequestQueue.Lane lane) throws InterruptedException {
        queue.awaitTurn(lane);
    }

    @Override
    public void expire() {
        queue.expire();
    }

    private void serve(Core core) {
        while (!Thread.currentThread().isInterrupted()) {
            ClientRequest request;
            try {
                request = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (request == null) {
                continue;
            }
            AppRuntime runtime = modifiers.runtimeOrNull(request.modifier1());
            core.serving = runtime == null ? NO_RUNTIME : runtime;
            try {
                request.servedBy(core.worker, core.id, PID);
                run(request, runtime);
            } catch (RuntimeException e) {
                LOG.error("!!! uwsgi4j internal error serving a request on core {} !!!", core.id(), e);
            } finally {
                core.serving = null;
                core.requests.incrementAndGet();
            }
        }
    }

    private void run(ClientRequest request, AppRuntime runtime) {
        if (runtime == null) {
            // its runtime went away while it waited: the slot decides (held during a swap, else refused)
            Target now = modifiers.table().target(request.modifier1());
            if (now == this) {
                Unavailable.refuse(request);
            } else {
                now.submit(request);
            }
            return;
        }
        ClientResponse response = request.response();
        boolean failed = false;
        try {
            runtime.handle(request, response);
            response.finish();
        } catch (IOException | UncheckedIOException e) {
            failed = true;
            LOG.info("client connection error on modifier1 {}: {}", request.modifier1(), e.getMessage());
        } catch (RuntimeException e) {
            failed = true;
            LOG.error("!!! the runtime of modifier1 {} failed: {} !!!", request.modifier1(), e.toString(), e);
            if (!response.started()) {
                try {
                    response.answer("500 Internal Server Error");
                } catch (IOException ignored) {
                    // the client is gone as well
                }
            }
        } finally {
            request.done(failed, false, 0, 0);
        }
    }

    @Override
    public int queued() {
        return queue.size();
    }

    @Override
    public int capacity() {
        return queue.capacity();
    }

    /** Requests answered 503 because they waited longer than {@code --queue-timeout}, since start. */
    public long shed() {
        return queue.shed();
    }

    /** Every core, in worker then core order (started or not). */
    public List<Core> cores() {
        return List.copyOf(cores);
    }

    /** Whether a request waits or is being served. */
    public boolean busy() {
        return queue.size() > 0 || cores.stream().anyMatch(Core::inRequest);
    }

    /** How many cores serve a request with {@code runtime} now. */
    int inHand(AppRuntime runtime) {
        return (int) cores.stream().filter(c -> c.serving == runtime).count();
    }

    /**
     * Waits until no core serves a request with {@code runtime} (one going away), at most
     * {@code grace}; returns how many still did then (0: all finished).
     */
    int awaitIdle(AppRuntime runtime, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        while (true) {
            int serving = inHand(runtime);
            if (serving == 0 || System.nanoTime() - deadline >= 0) {
                return serving;
            }
            try {
                Thread.sleep(5); // a swap's rare wait for the requests in hand, bounded by the grace
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return serving;
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        cores.forEach(c -> {
            if (c.thread != null) {
                c.thread.interrupt();
            }
        });
    }

    /** One worker core: its worker number (from 1), its core number, and its counters. */
    public static final class Core {
        private final int worker;
        private final int id;
        private final AtomicLong requests = new AtomicLong();
        /** The runtime of the request in hand ({@link #NO_RUNTIME} when it has none), null when idle. */
        private volatile Object serving;
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
            return serving != null;
        }
    }
}
