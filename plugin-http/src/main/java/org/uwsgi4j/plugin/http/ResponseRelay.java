package org.uwsgi4j.plugin.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.HttpHead;
import org.uwsgi4j.kernel.api.HttpHeads;

/**
 * Carries one backend response to the client: reads the backend's head, decides how the body
 * is framed for the client, writes the head (in one write with the body bytes already here) and
 * streams the rest until the backend closes.
 *
 * <pre>
 *  backend body framed by        to the client                          connection after
 *  HEAD / 1xx / 204 / 304        head only                              kept
 *  Content-Length                as is                                  kept (closed if the body is cut)
 *  Transfer-Encoding: chunked    as is                                  kept
 *  uWSGI-Encoding: gzip, no      gzipped (--http-auto-gzip, client      kept (chunked, HTTP/1.1) or closed
 *    length, no Content-Encoding   accepts gzip), chunked for HTTP/1.1
 *  nothing (the backend closes)  chunked (--http-auto-chunked, 1.1)     kept
 *                                else as is, Connection: close          closed
 * </pre>
 *
 * Hop-by-hop headers ({@code Connection}, {@code Keep-Alive}) are the router's own: the backend's
 * are dropped and the router says {@code Connection: close} (HTTP/1.1) or {@code keep-alive}
 * (HTTP/1.0) as it decides. A backend that dies mid-body cuts the client's response, which is
 * closed: the only honest end once a head went out.
 */
final class ResponseRelay {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseRelay.class);
    private static final int MAX_HEAD = 64 * 1024;
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    /** How a relay ended. */
    enum Outcome {
        /** Response complete; the client connection may serve the next request. */
        KEEP,
        /** The client connection must close (the response was close-delimited or cut, or the client asked). */
        CLOSE,
        /** The backend closed or reset without sending a byte (or timed out): nothing went to the client. */
        NO_RESPONSE
    }

    private final RouterSettings settings;
    private final ClientIo client;
    private final ReadableByteChannel backend;
    private final Deadlines.Watched watched;
    private final HttpHead request;
    private final boolean clientKeeps;
    private byte[] buf;
    /** The backend's whole response went to the client (see {@link #complete}). */
    private boolean complete;

    /** @param buf the connection's relay buffer (reused by each of its responses; a larger head gets a larger copy) */
    ResponseRelay(RouterSettings settings, ClientIo client, ReadableByteChannel backend, Deadlines.Watched watched,
                  HttpHead request, boolean clientKeeps, byte[] buf) {
        this.buf = buf;
        this.settings = settings;
        this.client = client;
        this.backend = backend;
        this.watched = watched;
        this.request = request;
        this.clientKeeps = clientKeeps;
    }

    /**
     * Whether the last {@link #relay} carried the backend's whole response (its length, its last
     * chunk or its end): the backend has nothing more to say, so leaving it is no client going away.
     */
    boolean complete() {
        return complete;
    }

    /** Relays the response; IOException when the client went away. */
    Outcome relay() throws IOException {
        int len = 0;
        int end;
        while (true) {
            int n = readBackend(len);
            if (n < 0) {
                if (len == 0) {
                    return Outcome.NO_RESPONSE;
                }
                LOG.warn("[uwsgi-http] the node's response head was cut after {} bytes", len);
                error(client, 502, false);
                return Outcome.CLOSE;
            }
            int from = Math.max(0, len - 3);
            len += n;
            end = ResponseHead.end(buf, from, len);
            if (end >= 0) {
                break;
            }
            if (len == buf.length) {
                if (buf.length >= MAX_HEAD) {
                    LOG.warn("[uwsgi-http] the node's response head is over {} bytes", MAX_HEAD);
                    error(client, 502, false);
                    return Outcome.CLOSE;
                }
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
        }
        ResponseHead head;
        try {
            head = ResponseHead.parse(buf, end);
        } catch (IllegalArgumentException e) {
            LOG.warn("[uwsgi-http] {}", e.getMessage());
            error(client, 502, false);
            return Outcome.CLOSE;
        }
        return relayBody(head, end, len);
    }

    private Outcome relayBody(ResponseHead head, int end, int len) throws IOException {
        boolean http11 = "HTTP/1.1".equals(request.version());
        boolean noBody = "HEAD".equals(request.method()) || !head.statusAllowsBody();
        boolean keep = clientKeeps;
        String connection = head.header("Connection");
        if (connection != null && connection.toLowerCase(Locale.ROOT).contains("close") && head.contentLength() < 0 && !head.chunked()) {
            keep = keep && noBody; // a backend that says close and gives no length ends its body by closing
        }
        long length = head.contentLength();
        boolean gzip = !noBody && settings.autoGzip() && "gzip".equalsIgnoreCase(head.header("uWSGI-Encoding"))
                && length < 0 && !head.chunked() && head.header("Content-Encoding") == null && acceptsGzip();
        boolean chunk = false;
        if (!noBody && !head.chunked() && length < 0) {
            chunk = http11 && keep && (gzip || settings.autoChunked());
            if (!chunk) {
                keep = false;
            }
        }
        StringBuilder h = new StringBuilder(end + 64).append(head.statusLine()).append("\r\n");
        for (String[] field : head.headers()) {
            String name = field[0];
            if (name.equalsIgnoreCase("Connection") || name.equalsIgnoreCase("Keep-Alive")
                    || (gzip && name.equalsIgnoreCase("uWSGI-Encoding"))) {
                continue;
            }
            h.append(name).append(": ").append(field[1]).append("\r\n");
        }
        if (gzip) {
            h.append("Content-Encoding: gzip\r\n");
        }
        if (chunk) {
            h.append("Transfer-Encoding: chunked\r\n");
        }
        if (!keep && http11) {
            h.append("Connection: close\r\n");
        } else if (keep && !http11) {
            h.append("Connection: keep-alive\r\n");
        }
        h.append("\r\n");
        ByteBuffer headBytes = ByteBuffer.wrap(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (noBody) {
            writeClient(headBytes);
            drain();
            complete = true;
            return keep ? Outcome.KEEP : Outcome.CLOSE;
        }
        if (!chunk && !gzip) {
            return passThrough(headBytes, end, len, length, keep);
        }
        writeClient(headBytes);
        OutputStream out = new ChunkedOut(chunk);
        if (gzip) {
            out = new GZIPOutputStream(out, 8192);
        }
        if (len > end) {
            out.write(buf, end, len - end);
        }
        int n;
        while ((n = readBackendOrCut(0)) > 0) {
            out.write(buf, 0, n);
        }
        if (n < 0 && n != -1) {
            return Outcome.CLOSE; // cut: the client's chunked body is not ended, so it knows
        }
        if (out instanceof GZIPOutputStream g) {
            g.finish();
        }
        if (chunk) {
            writeClient(ByteBuffer.wrap(LAST_CHUNK));
        }
        complete = true;
        return keep ? Outcome.KEEP : Outcome.CLOSE;
    }

    /** The body as the backend framed it: with its Content-Length, chunked, or until it closes. */
    private Outcome passThrough(ByteBuffer headBytes, int end, int len, long length, boolean keep) throws IOException {
        long sent = len - end;
        writeClient(headBytes, ByteBuffer.wrap(buf, end, len - end));
        while (length < 0 || sent < length) {
            int n = readBackendOrCut(0);
            if (n == -1) {
                break;
            }
            if (n < 0) {
                return Outcome.CLOSE;
            }
            writeClient(ByteBuffer.wrap(buf, 0, n));
            sent += n;
        }
        if (length >= 0 && sent != length) {
            LOG.warn("[uwsgi-http] the node's response was cut after {} of {} body bytes", sent, length);
            return Outcome.CLOSE;
        }
        complete = true;
        return keep ? Outcome.KEEP : Outcome.CLOSE;
    }

    private boolean acceptsGzip() {
        String ae = request.header("Accept-Encoding");
        return ae != null && ae.toLowerCase(Locale.ROOT).contains("gzip");
    }

    /** Reads backend bytes into {@link #buf} at {@code at}: the count, or -1 at its end; a reset counts as an end. */
    private int readBackend(int at) {
        watched.armBackend(settings.timeout().toNanos());
        try {
            return backend.read(ByteBuffer.wrap(buf, at, buf.length - at));
        } catch (IOException e) {
            return -1;
        }
    }

    /** As {@link #readBackend}, but a reset or a timeout mid-body is -2 (the response is cut). */
    private int readBackendOrCut(int at) {
        watched.armBackend(settings.timeout().toNanos());
        try {
            return backend.read(ByteBuffer.wrap(buf, at, buf.length - at));
        } catch (IOException e) {
            LOG.warn("[uwsgi-http] the node's response was cut: {}", watched.expired() ? "timeout" : e.getMessage());
            return -2;
        }
    }

    /** Reads and drops what the backend still sends (a body to a HEAD request). */
    private void drain() {
        while (readBackend(0) > 0) {
            // dropped
        }
    }

    private void writeClient(ByteBuffer... bufs) throws IOException {
        watched.arm(settings.timeout().toNanos());
        client.write(bufs);
    }

    /** Writes every byte of {@code bufs} to the blocking {@code out}. */
    static void writeFully(GatheringByteChannel out, ByteBuffer... bufs) throws IOException {
        long left = 0;
        for (ByteBuffer b : bufs) {
            left += b.remaining();
        }
        while (left > 0) {
            left -= out.write(bufs);
        }
    }

    /**
     * Answers with an empty-bodied error of {@code status} (the router's own: a bad request, no
     * backend); the connection is kept only when {@code keep}.
     */
    static void error(ClientIo client, int status, boolean keep) throws IOException {
        String text = "HTTP/1.1 " + status + " " + HttpHeads.reasonPhrase(status) + "\r\nContent-Length: 0\r\n" + (keep ? "" : "Connection: close\r\n") + "\r\n";
        client.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** The client side of a re-framed body: each write one chunk (or raw bytes for a close-delimited body). */
    private final class ChunkedOut extends OutputStream {
        private final boolean chunked;

        ChunkedOut(boolean chunked) {
            this.chunked = chunked;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            ByteBuffer data = ByteBuffer.wrap(b, off, len);
            if (!chunked) {
                writeClient(data);
                return;
            }
            byte[] size = (Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            writeClient(ByteBuffer.wrap(size), data, ByteBuffer.wrap(new byte[] {'\r', '\n'}));
        }
    }
}
