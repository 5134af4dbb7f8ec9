package org.uwsgi4j.kernel.worker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.uwsgi4j.kernel.dispatch.ClientRequest;
import org.uwsgi4j.kernel.net.HttpResponseWriter;
import org.uwsgi4j.kernel.protocol.RequestVars;

/** The client side of a request as a worker pool sees it, without a socket. */
final class ClientFixtures {

    private ClientFixtures() {
    }

    /** A client connection that records what is written to it. */
    static class Recorder implements GatheringByteChannel {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                while (srcs[i].hasRemaining()) {
                    bytes.write(srcs[i].get());
                    n++;
                }
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return (int) write(new ByteBuffer[] {src});
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }

        String text() {
            return bytes.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** An HTTP request whose response goes to {@code client}; it records how it ended. */
    static final class Request implements ClientRequest {
        private final RequestVars vars;
        private final InputStream body;
        private final HttpResponseWriter response;
        volatile boolean done;
        volatile boolean failed;
        volatile boolean broken;
        volatile boolean appError;

        Request(RequestVars vars, InputStream body, GatheringByteChannel client) {
            this.vars = vars;
            this.body = body;
            this.response = new HttpResponseWriter(client, "HTTP/1.1", true, false, false);
        }

        @Override
        public int modifier1() {
            return 0;
        }

        @Override
        public int modifier2() {
            return 0;
        }

        @Override
        public Map<String, String> vars() {
            return vars.toMap();
        }

        @Override
        public InputStream body() {
            return body;
        }

        @Override
        public RequestVars requestVars() {
            return vars;
        }

        @Override
        public HttpResponseWriter response() {
            return response;
        }

        @Override
        public void servedBy(int worker, int core, long pid) {
        }

        @Override
        public void watchClient(ClientWatch watch) {
        }

        @Override
        public void done(boolean broken, boolean appError, int readErrors, int writeErrors) {
            this.done = true;
            this.broken = broken;
            this.appError = appError;
        }

        @Override
        public void fail() {
            failed = true;
        }

        @Override
        public void unavailable() {
            failed = true;
        }

        @Override
        public void overloaded() {
            failed = true;
        }

        @Override
        public String describe() {
            return vars.get("REMOTE_ADDR") + " - " + vars.get("REQUEST_METHOD") + " " + vars.get("REQUEST_URI");
        }
    }
}
