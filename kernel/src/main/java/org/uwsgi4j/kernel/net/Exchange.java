package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.AppRuntime;
import org.uwsgi4j.kernel.api.Request;
import org.uwsgi4j.kernel.dispatch.Dispatcher;
import org.uwsgi4j.kernel.protocol.RequestVars;
import org.uwsgi4j.kernel.worker.FrameChannel;
import org.uwsgi4j.kernel.worker.Job;

/**
 * One request on its way through a worker core: the connection builds it, the dispatcher runs
 * it on a core, the connection waits for it and logs it.
 *
 * <p>No runtime for the modifier: uWSGI's line {@code -- unavailable modifier requested: N --}
 * and, on HTTP sockets, a 502 (uwsgi sockets just close, as uWSGI does). A runtime that throws
 * before starting its response: a 500 and the error in the log.
 */
final class Exchange implements Dispatcher.Job, Job, Request {

    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);
    private static final byte[] BAD_GATEWAY = "502 Bad Gateway\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] SERVER_ERROR = "500 Internal Server Error\n".getBytes(StandardCharsets.ISO_8859_1);

    private final int modifier1;
    private final int modifier2;
    private final RequestVars vars;
    private final InputStream body;
    private final HttpResponseWriter response;
    private final boolean http;
    private final CountDownLatch done = new CountDownLatch(1);
    private Map<String, String> varMap;
    private volatile Dispatcher.Core core;
    private volatile boolean failed;
    private volatile boolean appError;
    private volatile int workerId = 1;
    private volatile int coreId;
    private volatile long workerPid = ProcessHandle.current().pid();
    private final WorkerForward forwarder;
    /** Run on the serving thread once the request is served (see {@link #whenDone}); null when a connection thread awaits it. */
    private Runnable then;

    Exchange(int modifier1, int modifier2, RequestVars vars, InputStream body, HttpResponseWriter response, boolean http,
             Runnable reload) {
        this.modifier1 = modifier1;
        this.modifier2 = modifier2;
        this.vars = vars;
        this.body = body;
        this.response = response;
        this.http = http;
        this.forwarder = new WorkerForward(vars, body, response, reload);
    }

    @Override
    public void servedBy(int workerId, int coreId, long pid) {
        this.workerId = workerId;
        this.coreId = coreId;
        this.workerPid = pid;
    }

    @Override
    public Outcome forward(FrameChannel channel, java.util.function.BooleanSupplier mayRetry) {
        Outcome outcome = forwarder.forward(channel, mayRetry);
        if (outcome != Outcome.RETRY) {
            failed |= forwarder.broken() || outcome == Outcome.WORKER_DIED;
            appError = forwarder.appError();
            done();
        }
        return outcome;
    }

    @Override
    public void fail() {
        failed = true;
        try {
            if (http && !response.started()) {
                answer("502 Bad Gateway", BAD_GATEWAY);
            }
        } catch (IOException e) {
            // the client is gone too
        } finally {
            done();
        }
    }

    /**
     * What ends a request that no connection thread waits for (one dispatched by the accepting
     * thread): it runs once, on the thread that served the request (a core's, or the submitting
     * thread's when the request fails at once), right after its response and before
     * {@link #await} would return. Set before the request is submitted.
     */
    void whenDone(Runnable action) {
        this.then = action;
    }

    private void done() {
        try {
            Runnable action = then;
            if (action != null) {
                action.run();
            }
        } catch (RuntimeException e) {
            LOG.error("finishing the request {} failed: {}", describe(), e.toString(), e);
        } finally {
            done.countDown();
        }
    }

    @Override
    public String describe() {
        return vars.get("REMOTE_ADDR") + " - " + vars.get("REQUEST_METHOD") + " " + vars.get("REQUEST_URI");
    }

    /** The worker (id from 1) that served the request. */
    int workerId() {
        return core != null ? core.worker() : workerId;
    }

    /** The core, within its worker, that served the request. */
    int coreId() {
        return core != null ? core.id() : coreId;
    }

    /** The pid of the process that served the request (the JVM for in-JVM runtimes). */
    long workerPid() {
        return workerPid;
    }

    /**
     * The client closed its connection while the request waited for a worker or was in one
     * (the connection's close watch, any thread): the worker is told to stop. Nothing for a
     * request an in-JVM runtime is serving.
     */
    void clientClosed() {
        if (core == null) {
            forwarder.clientClosed();
        }
    }

    /** Failed writes of the response to the client ({@code %(werr)}). */
    int writeErrors() {
        return forwarder.writeErrors();
    }

    /** Failed reads of the request body from the client ({@code %(rerr)}). */
    int readErrors() {
        return forwarder.readErrors();
    }

    /** True when the application raised (counted as an exception). */
    boolean appError() {
        return appError;
    }

    @Override
    public void run(Optional<AppRuntime> runtime, Dispatcher.Core core) {
        this.core = core;
        try {
            if (runtime.isEmpty()) {
                LOG.info("-- unavailable modifier requested: {} --", modifier1);
                if (http) {
                    answer("502 Bad Gateway", BAD_GATEWAY);
                }
                return;
            }
            runtime.get().handle(this, response);
            response.finish();
        } catch (IOException | UncheckedIOException e) {
            failed = true;
            LOG.info("client connection error on modifier1 {}: {}", modifier1, e.getMessage());
        } catch (RuntimeException e) {
            failed = true;
            LOG.error("!!! the runtime of modifier1 {} failed: {} !!!", modifier1, e.toString(), e);
            if (!response.started()) {
                try {
                    answer("500 Internal Server Error", SERVER_ERROR);
                } catch (IOException ignored) {
                    // the client is gone as well
                }
            }
        } finally {
            done();
        }
    }

    private void answer(String status, byte[] text) throws IOException {
        response.start(status, List.of(Map.entry("Content-Type", "text/plain"), Map.entry("Content-Length", String.valueOf(text.length))));
        response.body().write(text);
        response.finish();
    }

    /** Waits until a core has served the request. */
    void await() throws InterruptedException {
        done.await();
    }

    /** The core that served it. */
    Dispatcher.Core core() {
        return core;
    }

    /** True when the runtime or the client failed mid-way: the connection must not be reused. */
    boolean failed() {
        return failed;
    }

    @Override
    public int modifier1() {
        return modifier1;
    }

    @Override
    public int modifier2() {
        return modifier2;
    }

    @Override
    public Map<String, String> vars() {
        if (varMap == null) {
            varMap = vars.toMap();
        }
        return varMap;
    }

    @Override
    public InputStream body() {
        return body;
    }
}
