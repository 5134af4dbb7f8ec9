package org.uwsgi4j.dist;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately plain HTTP/1.1 client over one socket, for what ready-made clients hide:
 * pipelining, garbage, keep-alive on one connection, chunked framing seen on the wire.
 */
final class RawHttp implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** One GET on a new connection (closed after it), as a plain client does. */
    static Response get(int port, String target) throws IOException {
        try (var http = new RawHttp(port)) {
            return http.send(closingGet(target)).read();
        }
    }

    /**
     * One GET on a new connection (closed after it): the response's bytes as they came, head and
     * body, until the server closes (latin-1), for a test that looks at the head byte for byte.
     */
    static String getRaw(int port, String target) throws IOException {
        try (var http = new RawHttp(port)) {
            http.send(closingGet(target));
            return new String(http.in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String closingGet(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    }

    /** Runs {@code request} on a virtual thread: a request held by the server while the test goes on. */
    static java.util.concurrent.CompletableFuture<Response> inBackground(java.util.concurrent.Callable<Response> request) {
        var result = new java.util.concurrent.CompletableFuture<Response>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(request.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Sends raw bytes (latin-1). */
    RawHttp send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    RawHttp send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
        return this;
    }

    /** A parsed response: status code, headers (lower-case names), body (de-chunked), whether it was chunked. */
    record Response(int status, Map<String, String> headers, byte[] body, boolean chunked) {
        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    /** Reads one response; {@code head} for a HEAD request (no body). */
    Response read(boolean head) throws IOException {
        Response start = readHead();
        int status = start.status();
        Map<String, String> headers = start.headers();
        var body = new ByteArrayOutputStream();
        boolean chunked = start.chunked();
        if (head || status == 204 || status == 304 || status / 100 == 1) {
            return new Response(status, headers, new byte[0], false);
        }
        if (chunked) {
            for (byte[] chunk; (chunk = readChunk()) != null; ) {
                body.write(chunk);
            }
        } else if (headers.containsKey("content-length")) {
            int n = Integer.parseInt(headers.get("content-length"));
            byte[] b = in.readNBytes(n);
            if (b.length < n) {
                throw new EOFException("body cut after " + b.length + " of " + n + " bytes");
            }
            body.write(b);
        } else {
            in.transferTo(body);
        }
        return new Response(status, headers, body.toByteArray(), chunked);
    }

    /**
     * Reads the status line and headers of a response and no body (an empty {@code body}), for
     * a test that then reads a chunked body piece by piece with {@link #readChunk()}.
     */
    Response readHead() throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not a status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l; !(l = line()).isEmpty(); ) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
        }
        return new Response(status, headers, new byte[0], "chunked".equalsIgnoreCase(headers.get("transfer-encoding")));
    }

    /**
     * The next chunk of a chunked body as it arrives; null after the last one (the zero-size
     * chunk and the trailers read). An EOFException when the connection ends inside the body.
     */
    byte[] readChunk() throws IOException {
        int size = Integer.parseInt(line().split(";")[0].strip(), 16);
        if (size == 0) {
            while (!line().isEmpty()) {
                // trailers
            }
            return null;
        }
        byte[] chunk = in.readNBytes(size);
        if (chunk.length < size) {
            throw new EOFException("chunk cut after " + chunk.length + " of " + size + " bytes");
        }
        line();
        return chunk;
    }

    Response read() throws IOException {
        return read(false);
    }

    /** True when the server closed the connection (EOF on the next read). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    private String line() throws IOException {
        var b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new EOFException("connection closed; got so far: " + b.toString(StandardCharsets.ISO_8859_1));
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
