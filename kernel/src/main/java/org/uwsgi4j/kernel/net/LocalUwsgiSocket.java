package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.LocalUwsgi;
import org.uwsgi4j.kernel.protocol.BadMessageException;
import org.uwsgi4j.kernel.protocol.RequestVars;
import org.uwsgi4j.kernel.protocol.UwsgiPacketParser;

/**
 * The api's {@link LocalUwsgi}: a uwsgi socket of the server ({@code listener}) served without
 * the socket. Each request goes the way {@link UwsgiConnection} sends one that arrived whole:
 * parsed with the same parser and limits, answered from a static file when a rule claims it,
 * else submitted to its modifier1's target, counted and logged when served; its response is
 * written, as on a uwsgi socket (no chunking, the end of the stream ends it), into a
 * {@link ReplyPipe} that the caller reads.
 *
 * <pre>
 *  serve: parse packet ─▶ bad? log as the socket does, empty reply
 *         ─▶ static? a virtual thread answers it
 *         ─▶ else submit ─▶ a core serves it into the pipe ─▶ logged ─▶ pipe.end()
 *  the reader closes early ─▶ the exchange's client went away (GONE to its worker)
 * </pre>
 */
final class LocalUwsgiSocket implements LocalUwsgi {

    private static final Logger LOG = LoggerFactory.getLogger(LocalUwsgiSocket.class);
    /** Unread response bytes that make the serving thread wait (a fixed bound, of the order of Linux's socket buffers). */
    private static final long PIPE_LIMIT = 4L << 20;

    private final ServerContext ctx;
    private final Listener listener;

    LocalUwsgiSocket(ServerContext ctx, Listener listener) {
        this.ctx = ctx;
        this.listener = listener;
    }

    @Override
    public Reply serve(ByteBuffer packet, InputStream body) {
        RequestVars vars = new RequestVars();
        UwsgiPacketParser parser = UwsgiConnection.parser(ctx);
        ReplyPipe pipe = new ReplyPipe(PIPE_LIMIT);
        parser.reset(vars);
        try {
            if (!parser.parse(packet)) {
                LOG.info("uwsgi packet cut short ({} bytes) from {}", packet.position(), listener.boundName());
                return ended(pipe, body);
            }
        } catch (BadMessageException e) {
            LOG.info("{}", e.reason());
            if (e.hint() != null) {
                LOG.info("{}", e.hint());
            }
            return ended(pipe, body);
        }
        if (parser.modifier1() == UwsgiConnection.PING) {
            LOG.info("PING");
            try {
                pipe.writer().write(ByteBuffer.wrap(new byte[] {(byte) UwsgiConnection.PING, 0, 0, 1}));
            } catch (IOException e) {
                // the reader is gone: nothing to answer
            }
            return ended(pipe, body);
        }
        long startNanos = System.nanoTime();
        long startMicros = ServerContext.epochMicros();
        String protocol = vars.get("SERVER_PROTOCOL");
        var response = new HttpResponseWriter(pipe.writer(), protocol == null ? "HTTP/1.1" : protocol, false,
                "HEAD".equals(vars.get("REQUEST_METHOD")), true, ctx.addedHeaders);
        var exchange = new Exchange(parser.modifier1(), parser.modifier2(), vars, body, response, false);
        Runnable served = () -> {
            try {
                if (response.started()) {
                    ctx.finished(exchange, response, parser.datasize(), vars.uwsgiVarCount(), startMicros, startNanos);
                }
            } finally {
                closeQuietly(body);
                pipe.end(); // after the log line, as the socket closes after it
            }
        };
        // on a thread of its own: telling the worker (GONE) must not hold the reader's closer (a deadline sweeper)
        pipe.onAbandon(() -> Thread.ofVirtual().name("uwsgi4j-local-gone").start(exchange::clientClosed));
        if (vars.contentLength() == 0 && ctx.statics.active() && ctx.statics.claims(vars.get("REQUEST_METHOD"), vars.get("PATH_INFO"))) {
            Thread.ofVirtual().name("uwsgi4j-local-static").start(() -> staticOrSubmit(exchange, response, served));
            return pipe; // files are stat'ed and sent off the caller's thread, which reads the pipe
        }
        exchange.whenDone(served);
        ctx.submit(exchange);
        return pipe;
    }

    /** Answers from a static file, or submits the request when no file serves it. */
    private void staticOrSubmit(Exchange exchange, HttpResponseWriter response, Runnable served) {
        boolean answered = false;
        try {
            answered = StaticResponder.serve(ctx.statics, exchange.requestVars(), response);
        } catch (IOException e) {
            answered = true; // the reader went away mid-file: the request is over
        }
        if (answered) {
            exchange.servedStatic();
            served.run();
            return;
        }
        exchange.whenDone(served);
        ctx.submit(exchange);
    }

    private static Reply ended(ReplyPipe pipe, InputStream body) {
        closeQuietly(body);
        pipe.end();
        return pipe;
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException e) {
            // a body nobody reads any more
        }
    }
}
