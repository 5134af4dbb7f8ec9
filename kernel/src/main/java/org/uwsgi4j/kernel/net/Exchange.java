package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.dispatch.ClientRequest;
import org.uwsgi4j.kernel.dispatch.ReadySet;
import org.uwsgi4j.kernel.protocol.RequestVars;

/**
 * One request of a client connection on its way through a dispatch target: the connection
 * builds it and submits it to the target of its modifier1, the target serves it on its own
 * thread and ends it ({@link #done}, {@link #fail}, {@link #unavailable}), the connection waits
 * for it (or has it end itself, {@link #whenDone}) and logs it.
 *
 * <p>Ended without an answer from a runtime: a 502 on HTTP sockets (uwsgi sockets just close,
 * as uWSGI does); shed after {@code --queue-timeout}: a 503 on both.
 */
final class Exchange implements ClientRequest {

    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);
    private static final long PID = ProcessHandle.current().pid();

    private final int modifier1;
    private final int modifier2;
    private final RequestVars vars;
    private final InputStream body;
    private final HttpResponseWriter response;
    private final boolean http;
    private final CountDownLatch done = new CountDownLatch(1);
    private Map<String, String> varMap;
    private volatile boolean failed;
    private volatile boolean appError;
    private volatile int readErrors;
    private volatile int writeErrors;
    private volatile int workerId = 1;
    private volatile int coreId;
    private volatile long workerPid = PID;
    /** Told when the client goes away (set by the target); see {@link #clientClosed}. */
    private volatile ClientWatch watch;
    private volatile boolean clientGone;
    /** Served by the kernel from a static file: logged as uWSGI logs those (app -1, 0 switches). */
    private boolean staticFile;
    /** Where the connection may wait for its next request (see {@link #waitNextIn}); null: on its own thread. */
    private volatile ReadySet readySet;
    /** Run on the serving thread once the request is served (see {@link #whenDone}); null when a connection thread awaits it. */
    private Runnable then;

    Exchange(int modifier1, int modifier2, RequestVars vars, InputStream body, HttpResponseWriter response, boolean http) {
        this.modifier1 = modifier1;
        this.modifier2 = modifier2;
        this.vars = vars;
        this.body = body;
        this.response = response;
        this.http = http;
    }

    @Override
    public void servedBy(int workerId, int coreId, long pid) {
        this.workerId = workerId;
        this.coreId = coreId;
        this.workerPid = pid;
    }

    @Override
    public void done(boolean broken, boolean appError, int readErrors, int writeErrors) {
        this.failed |= broken;
        this.appError = appError;
        this.readErrors = readErrors;
        this.writeErrors = writeErrors;
        done();
    }

    @Override
    public void fail() {
        failed = true;
        badGateway();
    }

    @Override
    public void unavailable() {
        badGateway();
    }

    @Override
    public void overloaded() {
        failed = true; // its body may be unread: the connection closes after the 503
        try {
            if (!response.started()) {
                response.answer("503 Service Unavailable");
            }
        } catch (IOException e) {
            // the client is gone too
        } finally {
            done();
        }
    }

    private void badGateway() {
        try {
            if (http && !response.started()) {
                response.answer("502 Bad Gateway");
            }
        } catch (IOException e) {
            failed = true; // the client is gone too
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
    public void waitNextIn(ReadySet set) {
        this.readySet = set;
    }

    /** The ready set the serving target offered for the connection's next request, or null. */
    ReadySet readySet() {
        return readySet;
    }

    @Override
    public String describe() {
        return vars.get("REMOTE_ADDR") + " - " + vars.get("REQUEST_METHOD") + " " + vars.get("REQUEST_URI");
    }

    /** Marks the request as served by the kernel from a static file, with no app and no worker. */
    void servedStatic() {
        staticFile = true;
    }

    /** True when the kernel served the request from a static file. */
    boolean isStatic() {
        return staticFile;
    }

    /** The worker (id from 1) that served the request. */
    int workerId() {
        return workerId;
    }

    /** The core, within its worker, that served the request. */
    int coreId() {
        return coreId;
    }

    /** The pid of the process that served the request (the JVM for in-JVM runtimes). */
    long workerPid() {
        return workerPid;
    }

    @Override
    public void watchClient(ClientWatch watch) {
        this.watch = watch;
        if (clientGone) {
            watch.clientClosed();
        }
    }

    /**
     * The client closed its connection while the request waited for a worker or was in one
     * (the connection's close watch, any thread): the target that watches it is told (a worker
     * pool tells its worker to stop; in-JVM runtimes do not watch).
     */
    void clientClosed() {
        clientGone = true;
        ClientWatch w = watch;
        if (w != null) {
            w.clientClosed();
        }
    }

    /** Failed writes of the response to the client ({@code %(werr)}). */
    int writeErrors() {
        return writeErrors;
    }

    /** Failed reads of the request body from the client ({@code %(rerr)}). */
    int readErrors() {
        return readErrors;
    }

    /** True when the application raised (counted as an exception). */
    boolean appError() {
        return appError;
    }

    /** Waits until a core has served the request. */
    void await() throws InterruptedException {
        done.await();
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
    public RequestVars requestVars() {
        return vars;
    }

    @Override
    public InputStream body() {
        return body;
    }

    @Override
    public HttpResponseWriter response() {
        return response;
    }
}
