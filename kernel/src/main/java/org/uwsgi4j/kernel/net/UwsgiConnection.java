package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.protocol.BadMessageException;
import org.uwsgi4j.kernel.protocol.RequestVars;
import org.uwsgi4j.kernel.protocol.UwsgiPacketParser;

/**
 * One connection on a uwsgi-protocol socket (nginx's {@code uwsgi_pass}): one packet (header,
 * vars block, then CONTENT_LENGTH body bytes), one raw HTTP response, then the connection
 * closes, as uWSGI does.
 *
 * <p>modifier1 100 (ping) is answered here, as uWSGI's ping plugin does: a 4-byte header with
 * modifier2 1 and no body, not counted as a request. A packet larger than {@code --buffer-size}
 * is refused with uWSGI's log line {@code invalid request block size: N (max M)...skip}.
 *
 * <p>A bodiless request's connection is watched while it waits for its response: nginx closes
 * it when its own client goes away, and the worker is then told to stop (see {@link ClientChannel}).
 */
final class UwsgiConnection implements AcceptedStart.Steps {

    private static final Logger LOG = LoggerFactory.getLogger(UwsgiConnection.class);
    /** uWSGI's ping modifier: answered by the kernel. */
    static final int PING = 100;
    /** Modifiers whose payload is not a vars block (eval 22, messages 31-33, code string 172); 101 is the echo plugin's vars. */
    private static final int[] RAW_MODIFIERS = {22, 31, 32, 33, 172};

    private final ServerContext ctx;
    private final Listener listener;
    private final ClientChannel client;
    private final String peer;
    private final RequestVars vars = new RequestVars();
    private final UwsgiPacketParser parser;
    private IdleReaper.Watched watched;
    /** The parser holds the whole packet (set by {@link #start}). */
    private boolean packetParsed;
    /** Ends the request once served: its log line (set by {@link #submit}). */
    private Runnable logIt;

    UwsgiConnection(ServerContext ctx, Listener listener, SocketChannel socket) throws IOException {
        this.ctx = ctx;
        this.listener = listener;
        this.client = new ClientChannel(socket, Math.max(16 * 1024, ctx.settings.limits().bufferSize() + 4096), ctx.recv);
        this.parser = parser(ctx);
        this.peer = socket.getRemoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() + ":" + a.getPort() : listener.boundName();
    }

    /** A parser of this instance's uwsgi packets: its limits, and the modifiers whose payload is not a vars block. */
    static UwsgiPacketParser parser(ServerContext ctx) {
        return new UwsgiPacketParser(ctx.settings.limits(), RAW_MODIFIERS);
    }

    /**
     * Starts serving a connection just accepted, on the accepting thread, which it never blocks:
     * when the whole packet of a request without a body is already in the socket (as nginx
     * sends it at once after connecting), it is parsed and dispatched right here, and the core
     * that serves it logs it and closes the connection; anything else (nothing sent yet, part of
     * a packet, a body, a ping, a bad packet) is served on the connection's virtual thread from
     * where the reading stands. See {@link HttpConnection#start}.
     */
    void start() {
        watched = ctx.reaper.watch(client, peer);
        AcceptedStart.run(client, peer, this);
    }

    /** On the accepting thread: a whole packet without a body is dispatched, and the core that serves it closes the connection. */
    @Override
    public boolean dispatchIfWhole() throws BadMessageException {
        parser.reset(vars);
        if (!parser.parse(client.buffer())) {
            return false;
        }
        packetParsed = true;
        if (parser.modifier1() == PING || vars.contentLength() != 0 || claimedByStatics()) {
            return false; // a static file is stat'ed, opened and sent on the connection's virtual thread, never here
        }
        submit(true, InputStream.nullInputStream(), true);
        return true;
    }

    /** Serves the connection's one request, then closes it; never throws. With {@code resume}, {@link #start} read its beginning. */
    @Override
    public void serve(boolean resume) {
        try {
            serveOne(resume);
        } catch (IOException e) {
            if (client.timedOut()) {
                LOG.info("socket-timeout: closed the uwsgi connection from {} after {} s without data", peer,
                        ctx.settings.socketTimeout().toSeconds());
            } else {
                LOG.debug("uwsgi connection from {} ended: {}", peer, e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            end();
        }
    }

    @Override
    public void end() {
        ctx.reaper.forget(watched);
        client.close();
    }

    private void serveOne(boolean resume) throws IOException, InterruptedException {
        if (!resume) {
            parser.reset(vars);
        }
        try {
            while (!packetParsed && !parser.parse(client.buffer())) {
                if (!client.fill()) {
                    return;
                }
            }
        } catch (BadMessageException e) {
            refuse(e);
            return;
        }
        if (parser.modifier1() == PING) {
            LOG.info("PING");
            ByteBuffer pong = ByteBuffer.wrap(new byte[] {(byte) PING, 0, 0, 1});
            while (pong.hasRemaining()) {
                client.socket().write(pong);
            }
            return;
        }
        long length = vars.contentLength();
        if (length == 0 && claimedByStatics() && serveStatic()) {
            return;
        }
        long memory = length > 0 ? ctx.settings.bufferedMemory(length) : -1;
        try (InputStream body = memory >= 0
                ? BodySpool.readWhole(client, length, memory, ctx.settings.bodyReadWarningMb() << 20).open()
                : new BodyInput(client, length)) {
            // nothing left in the socket (a body read whole, or none): the client's close is watched for
            Exchange exchange = submit(false, body, memory >= 0 || length == 0);
            exchange.await();
            logIt.run();
        }
    }

    /** True when a static rule may serve the request in {@code vars}: one check when there is none. */
    private boolean claimedByStatics() {
        return ctx.statics.active() && ctx.statics.claims(vars.get("REQUEST_METHOD"), vars.get("PATH_INFO"));
    }

    /** Answers the request from a static file and logs it; false when no file serves it (nothing written). */
    private boolean serveStatic() throws IOException {
        long startNanos = System.nanoTime();
        long startMicros = ServerContext.epochMicros();
        var response = responseWriter();
        if (!StaticResponder.serve(ctx.statics, vars, response)) {
            return false;
        }
        var exchange = new Exchange(parser.modifier1(), parser.modifier2(), vars, InputStream.nullInputStream(), response, false);
        exchange.servedStatic();
        ctx.finished(exchange, response, parser.datasize(), vars.uwsgiVarCount(), startMicros, startNanos);
        return true;
    }

    private HttpResponseWriter responseWriter() {
        String protocol = vars.get("SERVER_PROTOCOL");
        return new HttpResponseWriter(client.socket(), protocol == null ? "HTTP/1.1" : protocol, false,
                "HEAD".equals(vars.get("REQUEST_METHOD")), true, ctx.addedHeaders);
    }

    /** uWSGI's lines for a packet it will not serve; the connection is then closed. */
    @Override
    public void refuse(BadMessageException e) {
        LOG.info("{}", e.reason());
        if (e.hint() != null) {
            LOG.info("{}", e.hint());
        }
    }

    /**
     * Queues the parsed request with its {@code body} ({@code bodyRead}: nothing of it is left in
     * the socket, whole or none, so the client's close can be watched for). From the accepting thread ({@code fromAcceptor}) the core that
     * serves it also logs it ({@link #logIt}) and closes the connection; else the exchange is
     * returned for the connection's thread to wait for and log (null from the accepting thread).
     */
    private Exchange submit(boolean fromAcceptor, InputStream body, boolean bodyRead) {
        long startNanos = System.nanoTime();
        long startMicros = ServerContext.epochMicros();
        var response = responseWriter();
        var exchange = new Exchange(parser.modifier1(), parser.modifier2(), vars, body, response, false);
        boolean watchable = bodyRead; // else the body is read from the socket as the app wants it
        logIt = () -> {
            if (watchable) {
                client.responded();
            }
            if (response.started()) {
                ctx.finished(exchange, response, parser.datasize(), vars.uwsgiVarCount(), startMicros, startNanos);
            }
        };
        if (fromAcceptor) {
            response.closeFollowsFinish(); // the serving core closes the connection right after (below)
            exchange.whenDone(() -> {
                try {
                    logIt.run();
                } finally {
                    end(); // even if logging failed
                }
            });
        }
        if (watchable) {
            client.awaitingResponse(exchange::clientClosed);
        }
        ctx.submit(exchange);
        return fromAcceptor ? null : exchange;
    }
}
