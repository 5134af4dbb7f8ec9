package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.uwsgi4j.kernel.dispatch.ClientResponse;

/**
 * Writes one HTTP response to a client connection, choosing its framing:
 * <ul>
 * <li>the runtime gave {@code Content-Length}: that many body bytes, connection reusable;</li>
 * <li>no length, HTTP/1.1 client: {@code Transfer-Encoding: chunked}, connection reusable;</li>
 * <li>no length, HTTP/1.0 client or a uwsgi-protocol connection: the body ends when the
 *     connection closes.</li>
 * </ul>
 * The head is held back until the first body write or the end, and goes out in the same
 * gathering write as that body data: a response the runtime writes in one piece costs one
 * system call. HEAD responses and 1xx/204/304 statuses carry no body.
 *
 * <p>Hop-by-hop headers from the runtime ({@code Connection}, {@code Keep-Alive},
 * {@code Transfer-Encoding}) are dropped: framing is the server's business; a runtime's
 * {@code Connection: close} still makes the server close after this response.
 */
public final class HttpResponseWriter implements ClientResponse {

    /** How the body of this response is delimited. */
    enum Framing { LENGTH, CHUNKED, CLOSE, NONE }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final GatheringByteChannel out;
    private final String protocol;
    private final boolean http11;
    private final boolean head;
    private final boolean rawUwsgi;
    private final AddedHeaders added;
    private boolean keepAlive;

    private ByteBuffer pendingHead;
    private Framing framing;
    private long declaredLength = -1;
    private long bodyBytes;
    private int status;
    private int headerCount;
    private int headerBytes;
    private int headBytes;
    private boolean finished;
    private boolean headSent;
    /** The caller closes the connection right after {@link #finish} on the same thread: no FIN of its own. */
    private boolean closeFollows;
    private final Body body = new Body();

    /**
     * @param out        the client connection
     * @param protocol   the request's protocol, echoed in the status line ({@code HTTP/1.1})
     * @param keepAlive  whether the client wants the connection kept (false: close after)
     * @param head       a HEAD request: never a body
     * @param rawUwsgi   a uwsgi-protocol connection: no chunking, the connection closes after
     */
    public HttpResponseWriter(GatheringByteChannel out, String protocol, boolean keepAlive, boolean head, boolean rawUwsgi) {
        this(out, protocol, keepAlive, head, rawUwsgi, AddedHeaders.NONE);
    }

    /** As above, appending {@code added} ({@code --add-header}) to the runtime's headers of every response. */
    HttpResponseWriter(GatheringByteChannel out, String protocol, boolean keepAlive, boolean head, boolean rawUwsgi,
                       AddedHeaders added) {
        this.added = added;
        this.out = out;
        this.protocol = protocol.startsWith("HTTP/") ? protocol : "HTTP/1.1";
        this.http11 = "HTTP/1.1".equals(protocol);
        this.keepAlive = keepAlive && !rawUwsgi;
        this.head = head;
        this.rawUwsgi = rawUwsgi;
    }

    @Override
    public void start(String statusLine, List<Map.Entry<String, String>> headers) throws IOException {
        if (pendingHead != null || framing != null) {
            throw new IllegalStateException("response already started");
        }
        status = parseStatus(statusLine);
        StringBuilder h = new StringBuilder(128 + headers.size() * 32);
        h.append(protocol).append(' ').append(statusLine).append("\r\n");
        int statusLineBytes = h.length();
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey();
            if (!validHeader(name, header.getValue())) {
                throw new IllegalArgumentException("invalid response header: " + name);
            }
            String lower = name.toLowerCase(Locale.ROOT);
            switch (lower) {
                case "connection" -> {
                    if (header.getValue().toLowerCase(Locale.ROOT).contains("close")) {
                        keepAlive = false;
                    }
                    continue;
                }
                case "keep-alive", "transfer-encoding" -> {
                    continue;
                }
                case "content-length" -> declaredLength = parseLength(header.getValue());
                default -> {
                }
            }
            int before = h.length();
            h.append(name).append(": ").append(header.getValue()).append("\r\n");
            headerCount++;
            headerBytes += h.length() - before;
        }
        if (added.count() > 0) { // --add-header: counted and logged as the runtime's, as uWSGI does
            h.append(added.lines());
            headerCount += added.count();
            headerBytes += added.bytes();
        }
        headBytes = statusLineBytes + headerBytes + 2;
        boolean bodiless = head || status / 100 == 1 || status == 204 || status == 304;
        if (bodiless) {
            framing = Framing.NONE;
        } else if (declaredLength >= 0) {
            framing = Framing.LENGTH;
        } else if (http11 && !rawUwsgi && keepAlive) {
            framing = Framing.CHUNKED;
            h.append("Transfer-Encoding: chunked\r\n");
        } else {
            framing = Framing.CLOSE;
            keepAlive = false;
        }
        if (!rawUwsgi) {
            if (!keepAlive && http11) {
                h.append("Connection: close\r\n");
            } else if (keepAlive && !http11) {
                h.append("Connection: keep-alive\r\n");
            }
        }
        h.append("\r\n");
        pendingHead = ByteBuffer.wrap(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public OutputStream body() {
        return body;
    }

    /** Writes what is still held back and the end of a chunked body. Idempotent. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        if (framing == null) {
            throw new IllegalStateException("the runtime returned without starting the response");
        }
        ByteBuffer end = framing == Framing.CHUNKED ? ByteBuffer.wrap(LAST_CHUNK) : null;
        if (framing == Framing.LENGTH && bodyBytes < declaredLength) {
            keepAlive = false; // the client waits for bytes that will never come: only closing tells it
        }
        write(end == null ? new ByteBuffer[0] : new ByteBuffer[] {end});
        if (!keepAlive && !closeFollows && out instanceof java.nio.channels.SocketChannel socket) {
            // the last byte is out: send FIN now rather than when the connection's thread gets
            // round to closing, so the client sees the end at once and the server, not the
            // client, holds the TIME_WAIT (as uWSGI's close right after its write does)
            try {
                socket.shutdownOutput();
            } catch (IOException e) {
                // the client is gone already: the connection closes anyway
            }
        }
    }

    /**
     * The connection is closed right after {@link #finish}, on the thread that finishes (a
     * request the serving core ends itself): the close sends the FIN, so {@link #finish} does
     * not shut the output down first (one system call less per connection).
     */
    void closeFollowsFinish() {
        closeFollows = true;
    }

    private void writeBody(byte[] b, int off, int len) throws IOException {
        if (framing == null) {
            throw new IllegalStateException("body written before the response was started");
        }
        if (len == 0 || framing == Framing.NONE) {
            return;
        }
        if (framing == Framing.LENGTH) {
            long room = declaredLength - bodyBytes;
            if (room <= 0) {
                return;
            }
            len = (int) Math.min(len, room);
        }
        ByteBuffer data = ByteBuffer.wrap(b, off, len);
        if (framing == Framing.CHUNKED) {
            ByteBuffer size = ByteBuffer.wrap((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            write(size, data, ByteBuffer.wrap(CRLF));
        } else {
            write(data);
        }
        bodyBytes += len; // after the write: a failed write is not "generated" (uWSGI's response_size)
    }

    /**
     * Sends {@code count} bytes of {@code file} from {@code position} as the body, zero-copy
     * (FileChannel.transferTo to the socket: sendfile on Linux), after the held-back head. A file
     * that shrank meanwhile ends the body short, and {@link #finish} then closes the connection.
     */
    public void sendFile(FileChannel file, long position, long count) throws IOException {
        if (framing == null) {
            throw new IllegalStateException("body written before the response was started");
        }
        write();
        if (framing == Framing.NONE) {
            return;
        }
        long sent = 0;
        while (sent < count) {
            long n = file.transferTo(position + sent, count - sent, out);
            if (n <= 0) {
                break; // end of the file: it shrank
            }
            sent += n;
            bodyBytes += n;
        }
    }

    /** One gathering write of the held-back head (if any) followed by {@code buffers}. */
    private void write(ByteBuffer... buffers) throws IOException {
        ByteBuffer[] all;
        if (pendingHead != null) {
            all = new ByteBuffer[buffers.length + 1];
            all[0] = pendingHead;
            System.arraycopy(buffers, 0, all, 1, buffers.length);
            pendingHead = null;
        } else {
            all = buffers;
        }
        long left = 0;
        for (ByteBuffer b : all) {
            left += b.remaining();
        }
        while (left > 0) {
            left -= out.write(all);
        }
        headSent = true;
    }

    /** True when the connection may carry another request after this response. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** True once the response was started (status and headers given). */
    public boolean started() {
        return framing != null;
    }

    /** True once a write carrying the head has completed (false while it is held back, or when that write failed). */
    public boolean headSent() {
        return headSent;
    }

    /** The status code, or 0 before the start. */
    public int status() {
        return status;
    }

    /** Body bytes sent (before chunk framing); a write that failed is not counted. */
    public long bodyBytes() {
        return bodyBytes;
    }

    /** Headers the runtime gave that were sent. */
    public int headerCount() {
        return headerCount;
    }

    /** Bytes of those header lines, CRLFs included. */
    public int headerBytes() {
        return headerBytes;
    }

    /**
     * The bytes of the head as the runtime gave it (status line, its headers, blank line),
     * without the framing headers the server adds: what uWSGI logs as "N headers in M bytes".
     */
    public int headBytes() {
        return headBytes;
    }

    /** A field name is a token; neither part may hold CR, LF or NUL (response splitting). */
    private static boolean validHeader(String name, String value) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127 || c == ':') {
                return false;
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return false;
            }
        }
        return true;
    }

    private static int parseStatus(String statusLine) {
        if (statusLine.length() < 3 || statusLine.indexOf('\r') >= 0 || statusLine.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("invalid status line: " + statusLine);
        }
        try {
            int code = Integer.parseInt(statusLine.substring(0, 3));
            if (code < 100 || code > 999 || (statusLine.length() > 3 && statusLine.charAt(3) != ' ')) {
                throw new IllegalArgumentException("invalid status line: " + statusLine);
            }
            return code;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid status line: " + statusLine, e);
        }
    }

    private static long parseLength(String value) {
        try {
            long n = Long.parseLong(value.strip());
            if (n < 0) {
                throw new IllegalArgumentException("negative Content-Length: " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid Content-Length: " + value, e);
        }
    }

    private final class Body extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            writeBody(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writeBody(b, off, len);
        }

        @Override
        public void close() throws IOException {
            finish();
        }
    }
}
