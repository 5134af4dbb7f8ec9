package org.uwsgi4j.plugin.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The head of a backend's response (what a uwsgi server answers: a raw HTTP response,
 * {@code HTTP/1.1 200 OK}, header lines, an empty line), parsed once it is whole. Lines end with
 * CRLF or a bare LF. No I/O.
 *
 * @param statusLine the first line as sent, without its end
 * @param status     the status code
 * @param headers    each header as {@code name, value} (name as sent)
 */
record ResponseHead(String statusLine, int status, List<String[]> headers) {

    /**
     * Where the head ends in {@code buf[0..len)}: the index after its empty line, or -1 while it
     * is not whole yet.
     */
    static int end(byte[] buf, int from, int len) {
        for (int i = Math.max(from, 1); i < len; i++) {
            if (buf[i] == '\n') {
                if (buf[i - 1] == '\n') {
                    return i + 1;
                }
                if (buf[i - 1] == '\r' && i >= 2 && buf[i - 2] == '\n') {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    /**
     * Parses the whole head in {@code buf[0..end)}.
     *
     * @throws IllegalArgumentException when it is no HTTP response head (one line, for the log)
     */
    static ResponseHead parse(byte[] buf, int end) {
        String text = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r?\n");
        String first = lines[0];
        if (!first.startsWith("HTTP/1.") || first.length() < 12 || first.charAt(8) != ' ') {
            throw new IllegalArgumentException("invalid response status line: " + first.substring(0, Math.min(first.length(), 40)));
        }
        int status;
        try {
            status = Integer.parseInt(first.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid response status: " + first.substring(0, Math.min(first.length(), 40)));
        }
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("invalid response header line: " + line.substring(0, Math.min(line.length(), 40)));
            }
            headers.add(new String[] {line.substring(0, colon), line.substring(colon + 1).strip()});
        }
        return new ResponseHead(first, status, headers);
    }

    /** The value of the first header named {@code name} (case-insensitive), or null. */
    String header(String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    /** Whether the response has a body by its status (1xx, 204 and 304 have none). */
    boolean statusAllowsBody() {
        return status >= 200 && status != 204 && status != 304;
    }

    /** Whether the backend framed the body as chunked. */
    boolean chunked() {
        String te = header("Transfer-Encoding");
        return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
    }

    /** The Content-Length the backend gave, or -1. */
    long contentLength() {
        String cl = header("Content-Length");
        if (cl == null) {
            return -1;
        }
        try {
            long n = Long.parseLong(cl.strip());
            return n < 0 ? -1 : n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
