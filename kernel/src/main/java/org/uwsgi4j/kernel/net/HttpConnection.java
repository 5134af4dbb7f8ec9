package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.dispatch.ReadySet;
import org.uwsgi4j.kernel.dispatch.RequestQueue;
import org.uwsgi4j.kernel.protocol.BadMessageException;
import org.uwsgi4j.kernel.protocol.CgiVars;
import org.uwsgi4j.kernel.protocol.ChunkedDecoder;
import org.uwsgi4j.kernel.protocol.ConnectionInfo;
import org.uwsgi4j.kernel.protocol.HttpRequestParser;
import org.uwsgi4j.kernel.protocol.RequestVars;

/**
 * One client connection on an HTTP socket, served on its own virtual thread: requests one
 * after the other (keep-alive), pipelined ones included, until either side closes. The first
 * request may be dispatched by the accepting thread already (see {@link #start}).
 *
 * <pre>
 *  read ─▶ HttpRequestParser (head) ─▶ CgiVars ─▶ a static file? answered here (StaticResponder) ─▶ request log ─▶ next request
 *       ─▶ body: streamed | buffered (post-buffering, chunked)
 *       ─▶ dispatch table: target of its modifier1 (wait for a core) ─▶ response written by the core ─▶ request log ─▶ next request
 * </pre>
 *
 * While a request without a body still to read waits for its response, the client's going away
 * is watched for (see {@link ClientChannel}) and the worker told to stop.
 *
 * Bad input gets its status (400, 414, 431, 501, 505), one log line, and the connection is
 * closed; the server goes on serving everyone else.
 */
final class HttpConnection implements AcceptedStart.Steps, ReadySet.Waiting {

    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    /** Unread body bytes the connection reads and drops to stay reusable; more and it closes. */
    private static final long DRAIN_LIMIT = 64 * 1024;

    private final ServerContext ctx;
    private final Listener listener;
    private final ClientChannel client;
    private final HttpRequestParser parser;
    private final CgiVars cgi;
    private final RequestVars vars = new RequestVars();
    private final ConnectionInfo info;
    private final String peer;
    private IdleReaper.Watched watched;
    /** The request in the parser has its whole head (set by {@link #start}, cleared per request). */
    private boolean headParsed;
    /** The ready set the last served request's target offered for the next one; null: wait on this connection's thread. */
    private ReadySet offered;
    /** The ready set the connection's socket is registered in (armed or not), if any. */
    private volatile ReadySet parkedIn;

    HttpConnection(ServerContext ctx, Listener listener, SocketChannel socket) throws IOException {
        this.ctx = ctx;
        this.listener = listener;
        int bufferSize = Math.max(16 * 1024, ctx.settings.limits().bufferSize() + 4096);
        this.client = new ClientChannel(socket, bufferSize, ctx.recv);
        this.parser = new HttpRequestParser(ctx.settings.limits());
        this.cgi = new CgiVars(ctx.settings.limits());
        String remoteAddr = "";
        int remotePort = -1;
        if (socket.getRemoteAddress() instanceof InetSocketAddress remote) {
            if (!listener.noDelayInherited()) {
                socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            if (ctx.settings.soKeepalive()) {
                socket.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            }
            remoteAddr = remote.getAddress().getHostAddress();
            remotePort = remote.getPort();
        }
        String serverPort = listener.port() < 0 ? "80" : String.valueOf(listener.port());
        this.info = new ConnectionInfo(ctx.hostname, serverPort, remoteAddr, remotePort, false);
        this.peer = remoteAddr.isEmpty() ? listener.boundName() : remoteAddr + ":" + remotePort;
    }

    /**
     * Starts serving a connection just accepted, on the accepting thread, which it never blocks.
     * When the first request's whole head is already in the socket and it has no body (a GET, as
     * nginx, load balancers and benchmark clients send it at once after connecting), the head
     * is parsed right here and the request is dispatched; the core that serves it also logs it
     * (there is no connection thread to do it) and closes the connection, or hands it to a virtual thread for the next
     * request. Every other connection goes on its virtual thread at once, with what was read so
     * far. A connection that carries one request so needs no virtual thread at all (measured in
     * bench/README.md).
     *
     * <pre>
     *  accept ─▶ head here, no body? ─yes─▶ dispatch ─▶ [core] response, log ─▶ close | virtual thread: next request
     *                                 └no─▶ virtual thread: serve() from where the head's parsing stands
     * </pre>
     */
    void start() {
        watched = ctx.reaper.watch(client, peer);
        AcceptedStart.run(client, peer, this);
    }

    /**
     * Starts a connection that a core accepted behind another one (docs/sockets.md, "Worker
     * pools"): it waits in its target's ready set, as a kept-alive
     * connection waits for its next request, and the core that finds it readable serves its
     * start; on its virtual thread when the set cannot take it.
     */
    void startWaiting() {
        watched = ctx.reaper.watch(client, peer);
        if (!waitFirst()) {
            Thread.ofVirtual().start(() -> serve(false));
        }
    }

    /** On the accepting thread: a whole head without a body is dispatched, its ending left to the core that serves it. */
    @Override
    public boolean dispatchIfWhole() throws BadMessageException {
        parser.reset();
        vars.clear();
        if (!parser.parse(client.buffer())) {
            return false;
        }
        headParsed = true;
        if (parser.framing() != HttpRequestParser.Framing.NONE) {
            return false;
        }
        long startNanos = System.nanoTime();
        long startMicros = ServerContext.epochMicros();
        cgi.build(parser, info, vars);
        if (claimedByStatics()) {
            vars.clear();
            return false; // a static file: stat, open and send on the connection's virtual thread, never here
        }
        var response = responseWriter();
        response.closeFollowsFinish(); // a connection that closes is closed by the serving core right after (whenDone below)
        var exchange = exchange(InputStream.nullInputStream(), response, true);
        exchange.whenDone(() -> {
            try {
                logged(exchange, response, true, startMicros, startNanos);
            } finally { // the connection goes on or closes even if logging failed
                if (mayCarryAnother(exchange, response)) {
                    if (!park(exchange.readySet())) {
                        Thread.ofVirtual().start(this::serveKeptAlive);
                    }
                } else {
                    end();
                }
            }
        });
        ctx.submit(exchange);
        return true;
    }

    /** True when a static rule may serve the request in {@code vars}: one check when there is none. */
    private boolean claimedByStatics() {
        return ctx.statics.active() && ctx.statics.claims(vars.get("REQUEST_METHOD"), vars.get("PATH_INFO"));
    }

    private HttpResponseWriter responseWriter() {
        return new HttpResponseWriter(client.socket(), parser.version().text(), parser.keepAlive(), parser.isHead(), false, ctx.addedHeaders);
    }

    /**
     * The exchange of the request in the parser; a {@code watchable} one (its body is not read
     * from the socket) has its client watched for going away until {@link #logged}.
     */
    private Exchange exchange(InputStream body, HttpResponseWriter response, boolean watchable) {
        var exchange = new Exchange(listener.spec().modifier1(), 0, vars, body, response, true);
        if (watchable) {
            client.awaitingResponse(exchange::clientClosed);
        }
        return exchange;
    }

    /**
     * Ends a served request: the close watch stops, the request is counted and logged. On the
     * connection's thread, or on the serving core for a request from the accepting thread (which
     * has no connection thread to do it).
     */
    private void logged(Exchange exchange, HttpResponseWriter response, boolean watchable, long startMicros, long startNanos) {
        if (watchable) {
            client.responded();
        }
        ctx.finished(exchange, response, vars.uwsgiBlockSize(), vars.uwsgiVarCount(), startMicros, startNanos);
    }

    /** Whether the connection may carry another request after this one's response. */
    private boolean mayCarryAnother(Exchange exchange, HttpResponseWriter response) {
        return !exchange.failed() && response.keepAlive() && parser.keepAlive();
    }

    /**
     * Serves requests until the connection ends, then closes it; never throws. With
     * {@code resume}, the first request's head is parsed on from what {@link #start} read.
     */
    @Override
    public void serve(boolean resume) {
        serveFrom(true, resume);
    }

    /** Serves the requests after the first, which the accepting thread dispatched, until the connection ends. */
    private void serveKeptAlive() {
        serveFrom(false, false);
    }

    /**
     * Serves requests (the first one of the connection first when {@code first}) until the
     * connection ends, then closes it, or until it waits for its next request in the ready set
     * its last request's target offered (it then belongs to that set).
     */
    private void serveFrom(boolean first, boolean resume) {
        boolean parked = false;
        try {
            offered = null; // after a request served elsewhere, the first wait is on this thread
            boolean more = !first || serveOne(resume);
            while (more) {
                if (park(offered)) {
                    parked = true;
                    return;
                }
                if (!awaitNext()) {
                    break;
                }
                more = serveOne(false);
            }
        } catch (IOException e) {
            if (client.timedOut()) {
                LOG.info("socket-timeout: closed the connection from {} after {} s without data in a request",
                        peer, ctx.settings.socketTimeout().toSeconds());
            } else {
                LOG.debug("connection from {} ended: {}", peer, e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!parked) {
                end();
            }
        }
    }

    /**
     * Hands the connection, between two requests, to {@code set} (the ready set of the target
     * that served the last request): its next request is read by whichever of that target's
     * cores is free. False when there is no set, something of the next request is here already
     * (pipelined), a close watch reads ahead, or the set cannot take it: the caller waits itself.
     */
    private boolean park(ReadySet set) {
        if (set == null || !client.mayPark()) {
            return false;
        }
        ReadySet before = parkedIn;
        if (before != null && before != set) {
            before.forget(this); // registered with another target's set before: it leaves that one
        }
        parkedIn = set;
        client.parked(this::parkedTimeout);
        if (set.arm(this)) {
            return true;
        }
        client.unparked();
        return false;
    }

    /** The socket timeout passed while the connection waited in its ready set: it ends (before its socket closes). */
    private void parkedTimeout() {
        ReadySet set = parkedIn;
        if (set != null && set.forget(this)) {
            end();
        }
    }

    /** On a core's thread: the next request's first bytes are here; its start is served as a new connection's is. */
    @Override
    public void ready() {
        client.unparked();
        AcceptedStart.run(client, peer, this, true);
    }

    /** A new connection whose first request is not here yet waits for it in its target's ready set, if it has one. */
    @Override
    public boolean waitFirst() {
        return park(ctx.table.target(listener.spec().modifier1()).readySet());
    }

    /** The ready set stopped watching (its target stopped): the connection waits on its own thread. */
    @Override
    public void release() {
        client.unparked();
        Thread.ofVirtual().start(this::serveKeptAlive);
    }

    @Override
    public SocketChannel socket() {
        return client.socket();
    }

    /**
     * Between two requests of a kept-alive connection: waits for the next request's first bytes
     * (an idle connection holds no turn), then for the connection's turn ({@code KEPT} lane),
     * before reading on. False when the client closed or stayed silent past the socket timeout.
     */
    private boolean awaitNext() throws IOException, InterruptedException {
        if (!client.buffer().hasRemaining()) {
            client.idle();
            try {
                if (!client.fill()) {
                    return false;
                }
            } catch (IOException e) {
                if (client.timedOut()) {
                    return false; // an idle keep-alive connection timed out: routine
                }
                throw e;
            }
        }
        ctx.awaitTurn(listener, RequestQueue.Lane.KEPT);
        return true;
    }

    @Override
    public void end() {
        ReadySet set = parkedIn;
        if (set != null) {
            set.forget(this); // while the descriptor is still this connection's
        }
        ctx.reaper.forget(watched);
        client.close();
    }

    /**
     * Serves one request; true when the connection may carry another. With {@code resume}, the
     * parser and the buffer hold the start of the request (its whole head when {@code headParsed}).
     */
    private boolean serveOne(boolean resume) throws IOException, InterruptedException {
        if (!resume) {
            parser.reset();
            vars.clear();
            headParsed = false;
        }
        try {
            while (!headParsed && !parser.parse(client.buffer())) {
                if (!client.fill()) {
                    if (parser.isStarted()) {
                        LOG.info("HTTP request from {} cut short: the client closed the connection inside the request head", peer);
                    }
                    return false;
                }
            }
            headParsed = true;
        } catch (IOException e) {
            if (client.timedOut() && !parser.isStarted()) {
                return false; // an idle keep-alive connection timed out: routine
            }
            throw e;
        } catch (BadMessageException e) {
            refuse(e);
            return false;
        }
        long startNanos = System.nanoTime();
        long startMicros = ServerContext.epochMicros();
        BodySpool spool = null;
        InputStream body;
        BodyInput fixed = null;
        ChunkedBodyInput streamed = null;
        try {
            cgi.build(parser, info, vars);
            if (parser.framing() == HttpRequestParser.Framing.NONE && claimedByStatics()) {
                var response = responseWriter();
                if (StaticResponder.serve(ctx.statics, vars, response)) {
                    var exchange = exchange(InputStream.nullInputStream(), response, false);
                    exchange.servedStatic();
                    logged(exchange, response, false, startMicros, startNanos);
                    return mayCarryAnother(exchange, response);
                }
            }
            if (parser.expectContinue() && parser.framing() != HttpRequestParser.Framing.NONE && !client.buffer().hasRemaining()) {
                write(CONTINUE);
            }
            switch (parser.framing()) {
                case NONE -> body = InputStream.nullInputStream();
                case CONTENT_LENGTH -> {
                    long memory = ctx.settings.bufferedMemory(parser.contentLength());
                    if (memory >= 0) {
                        spool = BodySpool.readWhole(client, parser.contentLength(), memory, ctx.settings.bodyReadWarningMb() << 20);
                        body = spool.open();
                    } else {
                        fixed = new BodyInput(client, parser.contentLength());
                        body = fixed;
                    }
                }
                case CHUNKED -> {
                    if (ctx.settings.chunkedStreaming()) {
                        streamed = new ChunkedBodyInput(client, new ChunkedDecoder(ctx.settings.limits()));
                        body = streamed;
                    } else {
                        spool = spoolChunked();
                        vars.add("CONTENT_LENGTH", Long.toString(spool.length()));
                        body = spool.open();
                    }
                }
                default -> throw new IllegalStateException("framing " + parser.framing());
            }
        } catch (BadMessageException e) {
            if (spool != null) {
                spool.discard();
            }
            refuse(e);
            return false;
        }
        var response = responseWriter();
        // nothing left to read from the socket for this request: its close can be watched for
        boolean watchable = fixed == null && streamed == null;
        var exchange = exchange(body, response, watchable);
        try (body) {
            ctx.submit(exchange);
            exchange.await();
        }
        logged(exchange, response, watchable, startMicros, startNanos);
        offered = exchange.readySet();
        if (!mayCarryAnother(exchange, response)) {
            return false;
        }
        if (fixed != null && !fixed.drain(DRAIN_LIMIT)) {
            return false;
        }
        return streamed == null || streamed.isDone();
    }

    private BodySpool spoolChunked() throws IOException, BadMessageException {
        long memory = ctx.settings.postBuffering() > 0 ? ctx.settings.postBuffering() : 1 << 20;
        var spool = new BodySpool(memory, ctx.settings.bodyReadWarningMb() << 20);
        var decoder = new ChunkedDecoder(ctx.settings.limits());
        IOException[] failure = new IOException[1];
        while (!decoder.decode(client.buffer(), (src, offset, length) -> {
            try {
                spool.write(src, offset, length);
            } catch (IOException e) {
                failure[0] = e;
            }
        })) {
            if (failure[0] != null) {
                throw failure[0];
            }
            if (!client.fill()) {
                spool.discard();
                throw new IOException("client closed the connection inside a chunked body");
            }
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return spool;
    }

    /** Answers a malformed or oversized request with its status; the connection is then closed. */
    @Override
    public void refuse(BadMessageException e) {
        LOG.info("HTTP request from {} refused with {}: {}", peer, e.status(), e.reason());
        if (e.hint() != null) {
            LOG.info("{}", e.hint());
        }
        Refusal.send(client.socket(), e.status());
    }

    private void write(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            client.socket().write(b);
        }
    }
}
