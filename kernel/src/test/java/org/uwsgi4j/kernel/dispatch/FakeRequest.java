package org.uwsgi4j.kernel.dispatch;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.uwsgi4j.kernel.protocol.RequestVars;

/** A client request without a client: it records how it ended ("done", "fail", "unavailable") and its response. */
final class FakeRequest implements ClientRequest {

    final int modifier1;
    final CompletableFuture<String> ended = new CompletableFuture<>();
    final Response response = new Response();
    volatile String servedBy;
    private final RequestVars vars;

    FakeRequest(int modifier1) {
        this(modifier1, new RequestVars());
    }

    /** A request with these variables (the mount router reads PATH_INFO and SCRIPT_NAME). */
    FakeRequest(int modifier1, RequestVars vars) {
        this.modifier1 = modifier1;
        this.vars = vars;
    }

    @Override
    public int modifier1() {
        return modifier1;
    }

    @Override
    public int modifier2() {
        return 0;
    }

    @Override
    public Map<String, String> vars() {
        return Map.of();
    }

    @Override
    public InputStream body() {
        return InputStream.nullInputStream();
    }

    @Override
    public RequestVars requestVars() {
        return vars;
    }

    @Override
    public ClientResponse response() {
        return response;
    }

    @Override
    public void servedBy(int worker, int core, long pid) {
        servedBy = worker + "/" + core;
    }

    @Override
    public void watchClient(ClientWatch watch) {
    }

    @Override
    public void done(boolean broken, boolean appError, int readErrors, int writeErrors) {
        ended.complete("done");
    }

    @Override
    public void fail() {
        ended.complete("fail");
    }

    @Override
    public void unavailable() {
        ended.complete("unavailable");
    }

    @Override
    public void overloaded() {
        ended.complete("overloaded");
    }

    @Override
    public String describe() {
        return "fake";
    }

    /** A response that records its status and body. */
    static final class Response implements ClientResponse {
        volatile String status;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public void start(String status, List<Map.Entry<String, String>> headers) {
            this.status = status;
        }

        @Override
        public OutputStream body() {
            return body;
        }

        @Override
        public void finish() {
        }

        @Override
        public boolean started() {
            return status != null;
        }

        @Override
        public boolean headSent() {
            return status != null;
        }

        @Override
        public long bodyBytes() {
            return body.size();
        }
    }
}
