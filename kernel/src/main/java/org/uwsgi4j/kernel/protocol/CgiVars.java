package org.uwsgi4j.kernel.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Builds the request variables of an HTTP request the way uWSGI's http-socket does
 * ({@code proto/http.c}), in the same order:
 *
 * <pre>
 *   REQUEST_METHOD
 *   REQUEST_URI, PATH_INFO, QUERY_STRING          (target without '?')
 *   PATH_INFO, REQUEST_URI, QUERY_STRING          (target with '?': uWSGI's order)
 *   SERVER_PROTOCOL, SCRIPT_NAME (empty), SERVER_NAME, SERVER_PORT, REMOTE_ADDR
 *   REMOTE_PORT (unless unknown), HTTPS=on (TLS only)
 *   one variable per header name, in order of first appearance: HTTP_NAME (upper case, '-' to
 *   '_'), CONTENT_TYPE and CONTENT_LENGTH without the prefix; repeated headers joined with ", "
 * </pre>
 *
 * PATH_INFO is the percent-decoded path (raw bytes, handed on as latin-1); QUERY_STRING and
 * REQUEST_URI are as sent. Deliberate differences from uWSGI 2.0 are listed in
 * {@code docs/protocols.md}: invalid %-escapes stay as they are, %00 is refused, header names
 * with '_' are dropped, CONTENT_LENGTH is the one validated value, absolute-form targets give
 * their path as PATH_INFO, and REMOTE_PORT is added.
 *
 * <p>Writes straight into a {@link RequestVars}, copying each byte once; one instance per
 * connection (it keeps a small scratch array). Not thread-safe.
 */
public final class CgiVars {

    private static final byte[] REQUEST_METHOD = bytes("REQUEST_METHOD");
    private static final byte[] REQUEST_URI = bytes("REQUEST_URI");
    private static final byte[] PATH_INFO = bytes("PATH_INFO");
    private static final byte[] QUERY_STRING = bytes("QUERY_STRING");
    private static final byte[] SERVER_PROTOCOL = bytes("SERVER_PROTOCOL");
    private static final byte[] SCRIPT_NAME = bytes("SCRIPT_NAME");
    private static final byte[] SERVER_NAME = bytes("SERVER_NAME");
    private static final byte[] SERVER_PORT = bytes("SERVER_PORT");
    private static final byte[] REMOTE_ADDR = bytes("REMOTE_ADDR");
    private static final byte[] REMOTE_PORT = bytes("REMOTE_PORT");
    private static final byte[] HTTPS = bytes("HTTPS");
    private static final byte[] ON = bytes("on");
    private static final byte[] CONTENT_TYPE = bytes("CONTENT_TYPE");
    private static final byte[] CONTENT_LENGTH = bytes("CONTENT_LENGTH");
    private static final byte[] HTTP_PREFIX = bytes("HTTP_");
    private static final byte[] HTTP_1_0 = bytes("HTTP/1.0");
    private static final byte[] HTTP_1_1 = bytes("HTTP/1.1");
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] SLASH = bytes("/");

    private boolean[] merged;

    /** A builder for heads parsed under {@code limits}. */
    public CgiVars(ProtocolLimits limits) {
        merged = new boolean[Math.min(limits.maxHeaders(), 64)];
    }

    /**
     * Appends the variables of the parsed head {@code head} received on {@code conn} to
     * {@code out} (which is not cleared first).
     *
     * @throws BadMessageException (400) when the decoded path would hold a NUL byte
     */
    public void build(HttpRequestParser head, ConnectionInfo conn, RequestVars out) throws BadMessageException {
        byte[] b = head.buffer();
        out.add(REQUEST_METHOD, 0, REQUEST_METHOD.length, b, head.methodStart(), head.methodEnd() - head.methodStart());
        addTarget(b, head.targetStart(), head.targetEnd(), out);
        byte[] protocol = head.version() == HttpRequestParser.Version.HTTP_1_1 ? HTTP_1_1 : HTTP_1_0;
        out.add(SERVER_PROTOCOL, protocol);
        out.add(SCRIPT_NAME, EMPTY);
        out.add(SERVER_NAME, conn.serverName);
        out.add(SERVER_PORT, conn.serverPort);
        out.add(REMOTE_ADDR, conn.remoteAddr);
        if (conn.remotePort != null) {
            out.add(REMOTE_PORT, conn.remotePort);
        }
        if (conn.https) {
            out.add(HTTPS, ON);
        }
        addHeaders(head, out);
    }

    private static void addTarget(byte[] b, int start, int end, RequestVars out) throws BadMessageException {
        int pathStart = start;
        boolean absolute = false;
        if (startsWithScheme(b, start, end)) {
            absolute = true;
            pathStart = indexOf(b, start, end, (byte) ':') + 3;
            while (pathStart < end && b[pathStart] != '/' && b[pathStart] != '?') {
                pathStart++;
            }
        }
        int query = indexOf(b, pathStart, end, (byte) '?');
        if (query < 0) {
            out.add(REQUEST_URI, 0, REQUEST_URI.length, b, start, end - start);
            addPathInfo(b, pathStart, end, absolute, out);
            out.add(QUERY_STRING, EMPTY);
        } else {
            addPathInfo(b, pathStart, query, absolute, out);
            out.add(REQUEST_URI, 0, REQUEST_URI.length, b, start, end - start);
            out.add(QUERY_STRING, 0, QUERY_STRING.length, b, query + 1, end - query - 1);
        }
    }

    private static void addPathInfo(byte[] b, int start, int end, boolean absolute, RequestVars out) throws BadMessageException {
        out.beginKey();
        out.append(PATH_INFO, 0, PATH_INFO.length);
        out.endKey();
        if (absolute && start == end) {
            out.append(SLASH, 0, 1);
        }
        for (int i = start; i < end; i++) {
            byte c = b[i];
            if (c == '%' && i + 2 < end) {
                int hi = Character.digit(b[i + 1], 16);
                int lo = Character.digit(b[i + 2], 16);
                if (hi >= 0 && lo >= 0) {
                    c = (byte) (hi << 4 | lo);
                    if (c == 0) {
                        out.abandon();
                        throw new BadMessageException(400, "NUL byte (%00) in the request path");
                    }
                    i += 2;
                }
            }
            out.append(c);
        }
        out.endValue();
    }

    private void addHeaders(HttpRequestParser head, RequestVars out) {
        int n = head.headerCount();
        if (merged.length < n) {
            merged = new boolean[n];
        }
        java.util.Arrays.fill(merged, 0, n, false);
        byte[] b = head.buffer();
        for (int h = 0; h < n; h++) {
            if (merged[h] || indexOf(b, head.nameStart(h), head.nameEnd(h), (byte) '_') >= 0) {
                continue;
            }
            byte kind = head.kind(h);
            if (kind == HttpRequestParser.CONTENT_LENGTH) {
                for (int j = h + 1; j < n; j++) {
                    merged[j] |= head.kind(j) == HttpRequestParser.CONTENT_LENGTH;
                }
                out.beginKey();
                out.append(CONTENT_LENGTH, 0, CONTENT_LENGTH.length);
                out.endKey();
                out.appendDecimal(head.contentLength());
                out.endValue();
                continue;
            }
            out.beginKey();
            if (kind == HttpRequestParser.CONTENT_TYPE) {
                out.append(CONTENT_TYPE, 0, CONTENT_TYPE.length);
            } else {
                out.append(HTTP_PREFIX, 0, HTTP_PREFIX.length);
                for (int i = head.nameStart(h); i < head.nameEnd(h); i++) {
                    byte c = b[i];
                    out.append(c == '-' ? (byte) '_' : c >= 'a' && c <= 'z' ? (byte) (c - 32) : c);
                }
            }
            out.endKey();
            out.append(b, head.valueStart(h), head.valueEnd(h) - head.valueStart(h));
            for (int j = h + 1; j < n; j++) {
                if (!merged[j] && sameName(b, head, h, j)) {
                    merged[j] = true;
                    out.append((byte) ',');
                    out.append((byte) ' ');
                    out.append(b, head.valueStart(j), head.valueEnd(j) - head.valueStart(j));
                }
            }
            out.endValue();
        }
    }

    private static boolean sameName(byte[] b, HttpRequestParser head, int h, int j) {
        int len = head.nameEnd(h) - head.nameStart(h);
        if (head.nameEnd(j) - head.nameStart(j) != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            int x = b[head.nameStart(h) + i];
            int y = b[head.nameStart(j) + i];
            if (x != y && lower(x) != lower(y)) {
                return false;
            }
        }
        return true;
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static boolean startsWithScheme(byte[] b, int start, int end) {
        return HttpChars.equalsLower(b, start, Math.min(end, start + 7), "http://")
                || HttpChars.equalsLower(b, start, Math.min(end, start + 8), "https://");
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
