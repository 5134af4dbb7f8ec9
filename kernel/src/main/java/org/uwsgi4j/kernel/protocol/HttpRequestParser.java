package org.uwsgi4j.kernel.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Push parser for the head of an HTTP/1.0 or HTTP/1.1 request (the server side of
 * {@code --http-socket}): request line and header fields, then the body framing they imply.
 *
 * <pre>
 *  START --tchar--> METHOD --SP--> TARGET --SP--> VERSION --CRLF--> LINE_START
 *   (CRLF skipped)                                                    |  ^
 *                              +--tchar--> NAME --':'--> OWS --> VALUE --CRLF--+
 *                              |
 *  LINE_START -----------------+--CRLF--> DONE   (the empty line ends the head)
 * </pre>
 *
 * Bytes are copied once into a buffer of {@code --buffer-size} bytes (uWSGI's limit for the
 * whole head); field names and values are kept as offsets into it, and Strings are only made
 * when asked for. {@link #parse(ByteBuffer)} takes any fragment and stops at the end of the
 * head: the bytes after it (the body, or a pipelined request) stay in the caller's buffer.
 * One instance per connection, reused with {@link #reset()}. No I/O, no threads.
 *
 * <p>Strict, per RFC 9112: a bare LF ends a line as well as CRLF does, but a bare CR, obs-fold,
 * whitespace before the colon or inside a field name, control bytes, a missing or repeated Host
 * (HTTP/1.1), a bad or conflicting Content-Length and Transfer-Encoding with Content-Length are
 * refused with 400; an unknown transfer-coding with 501; a version other than 1.0/1.1 with 505;
 * a head over the buffer size with 414 (still in the request line) or 431.
 */
public final class HttpRequestParser {

    /** Where the parser is in the head. */
    public enum State {
        START, START_LF, METHOD, TARGET, VERSION, LINE_LF, LINE_START, NAME, OWS, VALUE, VALUE_LF, END_LF, DONE
    }

    /** The HTTP versions accepted. */
    public enum Version {
        HTTP_1_0("HTTP/1.0"), HTTP_1_1("HTTP/1.1");

        private final String text;

        Version(String text) {
            this.text = text;
        }

        /** As on the wire and in SERVER_PROTOCOL. */
        public String text() {
            return text;
        }
    }

    /** How the request body is delimited. */
    public enum Framing {
        /** No body. */
        NONE,
        /** {@link #contentLength()} bytes follow. */
        CONTENT_LENGTH,
        /** A chunked body follows: decode it with {@link ChunkedDecoder}. */
        CHUNKED
    }

    static final byte OTHER = 0;
    static final byte HOST = 1;
    static final byte EXPECT = 2;
    static final byte CONNECTION = 3;
    static final byte CONTENT_TYPE = 4;
    static final byte CONTENT_LENGTH = 5;
    static final byte TRANSFER_ENCODING = 6;

    private static final String[] COMMON_METHODS = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"};
    private static final byte[][] COMMON_METHOD_BYTES = new byte[COMMON_METHODS.length][];

    static {
        for (int i = 0; i < COMMON_METHODS.length; i++) {
            COMMON_METHOD_BYTES[i] = COMMON_METHODS[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final ProtocolLimits limits;
    /** The head so far; starts small and doubles up to {@code limits.bufferSize()} (an idle connection holds little). */
    private byte[] buf;

    private State state = State.START;
    private int filled;
    private int scan;
    private int methodStart;
    private int methodEnd;
    private int targetStart;
    private int targetEnd;
    private int versionStart;
    private int mark;
    private int nameEnd;
    private int valueStart;
    private int valueEnd;

    private int headerCount;
    private int[] offsets = new int[4 * 16];
    private byte[] kinds = new byte[16];

    private Version version;
    private Framing framing;
    private long contentLength;
    private boolean keepAlive;
    private boolean expectContinue;
    private boolean head;

    /** A head's first allocation; most heads fit (a browser's GET is 400-1,500 bytes). */
    private static final int INITIAL_BUFFER = 1024;

    /** A parser with up to {@code limits.bufferSize()} bytes for the head. */
    public HttpRequestParser(ProtocolLimits limits) {
        this.limits = limits;
        this.buf = new byte[Math.min(INITIAL_BUFFER, limits.bufferSize())];
        reset();
    }

    /** Forgets the parsed head and starts on a new request. */
    public void reset() {
        state = State.START;
        filled = 0;
        scan = 0;
        headerCount = 0;
        version = null;
        framing = null;
        contentLength = -1;
        keepAlive = false;
        expectContinue = false;
        head = false;
    }

    /** The current state; {@link State#DONE} once the head is complete. */
    public State state() {
        return state;
    }

    /** Whether a complete head has been parsed. */
    public boolean isDone() {
        return state == State.DONE;
    }

    /** Whether some bytes of a head have been received (to tell an idle keep-alive close from a cut request). */
    public boolean isStarted() {
        return filled > 0;
    }

    /**
     * Parses what {@code in} holds, advancing its position over the bytes of the head and no
     * further.
     *
     * @return whether the head is complete
     * @throws BadMessageException when the head is malformed or too large; answer with its
     *                             status and close the connection
     */
    public boolean parse(ByteBuffer in) throws BadMessageException {
        if (state == State.DONE) {
            return true;
        }
        while (true) {
            if (filled == buf.length && buf.length < limits.bufferSize()) {
                buf = Arrays.copyOf(buf, Math.min(buf.length * 2, limits.bufferSize()));
            }
            int n = Math.min(buf.length - filled, in.remaining());
            in.get(buf, filled, n);
            filled += n;
            scan();
            if (state == State.DONE) {
                int excess = filled - scan;
                in.position(in.position() - excess);
                filled = scan;
                finish();
                return true;
            }
            if (filled == limits.bufferSize()) {
                String reason = "invalid HTTP request size (max " + filled + ")...skip";
                throw new BadMessageException(inRequestLine() ? 414 : 431, reason);
            }
            if (!in.hasRemaining()) {
                return false;
            }
        }
    }

    private boolean inRequestLine() {
        return switch (state) {
            case START, START_LF, METHOD, TARGET, VERSION, LINE_LF -> true;
            default -> false;
        };
    }

    private void scan() throws BadMessageException {
        final byte[] b = buf;
        int i = scan;
        final int end = filled;
        while (i < end) {
            switch (state) {
                case START -> {
                    byte c = b[i];
                    if (c == '\n') {
                        i++;
                    } else if (c == '\r') {
                        i++;
                        state = State.START_LF;
                    } else if (HttpChars.TOKEN[c & 0xff]) {
                        methodStart = i++;
                        state = State.METHOD;
                    } else {
                        throw bad("invalid request line");
                    }
                }
                case START_LF -> {
                    expectLf(b[i++]);
                    state = State.START;
                }
                case METHOD -> {
                    while (i < end && HttpChars.TOKEN[b[i] & 0xff]) {
                        i++;
                    }
                    if (i < end) {
                        if (b[i] != ' ') {
                            throw bad("invalid request method");
                        }
                        methodEnd = i++;
                        targetStart = i;
                        state = State.TARGET;
                    }
                }
                case TARGET -> {
                    while (i < end && HttpChars.TARGET[b[i] & 0xff]) {
                        i++;
                    }
                    if (i < end) {
                        if (b[i] != ' ' || i == targetStart) {
                            throw bad("invalid request target");
                        }
                        targetEnd = i++;
                        versionStart = i;
                        state = State.VERSION;
                    }
                }
                case VERSION -> {
                    while (i < end && HttpChars.TOKEN[b[i] & 0xff] || i < end && b[i] == '/') {
                        i++;
                    }
                    if (i < end) {
                        byte c = b[i];
                        int versionEnd = i++;
                        if (c == '\r') {
                            state = State.LINE_LF;
                        } else if (c == '\n') {
                            state = State.LINE_START;
                        } else {
                            throw bad("invalid request line");
                        }
                        version = version(versionStart, versionEnd);
                    }
                }
                case LINE_LF, VALUE_LF, END_LF -> {
                    expectLf(b[i++]);
                    if (state == State.VALUE_LF) {
                        endHeader();
                        state = State.LINE_START;
                    } else {
                        state = state == State.LINE_LF ? State.LINE_START : State.DONE;
                    }
                }
                case LINE_START -> {
                    byte c = b[i];
                    if (c == '\r') {
                        i++;
                        state = State.END_LF;
                    } else if (c == '\n') {
                        i++;
                        state = State.DONE;
                    } else if (HttpChars.TOKEN[c & 0xff]) {
                        mark = i++;
                        state = State.NAME;
                    } else if (HttpChars.isOws(c)) {
                        throw bad("obsolete line folding or whitespace before a header name");
                    } else {
                        throw bad("invalid header name");
                    }
                }
                case NAME -> {
                    while (i < end && HttpChars.TOKEN[b[i] & 0xff]) {
                        i++;
                    }
                    if (i < end) {
                        if (b[i] != ':') {
                            throw bad(HttpChars.isOws(b[i]) ? "whitespace in or after a header name" : "invalid header name");
                        }
                        nameEnd = i++;
                        state = State.OWS;
                    }
                }
                case OWS -> {
                    while (i < end && HttpChars.isOws(b[i])) {
                        i++;
                    }
                    if (i < end) {
                        valueStart = i;
                        valueEnd = i;
                        state = State.VALUE;
                    }
                }
                case VALUE -> {
                    while (i < end) {
                        byte c = b[i];
                        if (HttpChars.FIELD_VCHAR[c & 0xff]) {
                            valueEnd = ++i;
                        } else if (HttpChars.isOws(c)) {
                            i++;
                        } else {
                            break;
                        }
                    }
                    if (i < end) {
                        byte c = b[i++];
                        if (c == '\r') {
                            state = State.VALUE_LF;
                        } else if (c == '\n') {
                            endHeader();
                            state = State.LINE_START;
                        } else {
                            throw bad("invalid byte in a header value");
                        }
                    }
                }
                case DONE -> {
                    scan = i;
                    return;
                }
            }
            if (state == State.DONE) {
                break;
            }
        }
        scan = i;
    }

    private void expectLf(byte c) throws BadMessageException {
        if (c != '\n') {
            throw bad("CR not followed by LF");
        }
    }

    private Version version(int from, int to) throws BadMessageException {
        byte[] b = buf;
        if (to - from != 8 || b[from] != 'H' || b[from + 1] != 'T' || b[from + 2] != 'T' || b[from + 3] != 'P'
                || b[from + 4] != '/' || !isDigit(b[from + 5]) || b[from + 6] != '.' || !isDigit(b[from + 7])) {
            throw bad("invalid HTTP version");
        }
        if (b[from + 5] == '1' && b[from + 7] == '1') {
            return Version.HTTP_1_1;
        }
        if (b[from + 5] == '1' && b[from + 7] == '0') {
            return Version.HTTP_1_0;
        }
        throw new BadMessageException(505, "unsupported HTTP version " + new String(b, from, 8, StandardCharsets.ISO_8859_1));
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private void endHeader() throws BadMessageException {
        if (headerCount == limits.maxHeaders()) {
            throw new BadMessageException(431, "too many headers (max " + limits.maxHeaders() + ")");
        }
        if (headerCount == kinds.length) {
            kinds = Arrays.copyOf(kinds, Math.min(kinds.length * 2, limits.maxHeaders()));
            offsets = Arrays.copyOf(offsets, kinds.length * 4);
        }
        int o = headerCount * 4;
        offsets[o] = mark;
        offsets[o + 1] = nameEnd;
        offsets[o + 2] = valueStart;
        offsets[o + 3] = valueEnd;
        kinds[headerCount++] = kindOf(mark, nameEnd);
    }

    private byte kindOf(int from, int to) {
        byte[] b = buf;
        return switch (to - from) {
            case 4 -> HttpChars.equalsLower(b, from, to, "host") ? HOST : OTHER;
            case 6 -> HttpChars.equalsLower(b, from, to, "expect") ? EXPECT : OTHER;
            case 10 -> HttpChars.equalsLower(b, from, to, "connection") ? CONNECTION : OTHER;
            case 12 -> HttpChars.equalsLower(b, from, to, "content-type") ? CONTENT_TYPE : OTHER;
            case 14 -> HttpChars.equalsLower(b, from, to, "content-length") ? CONTENT_LENGTH : OTHER;
            case 17 -> HttpChars.equalsLower(b, from, to, "transfer-encoding") ? TRANSFER_ENCODING : OTHER;
            default -> OTHER;
        };
    }

    /** Derives framing, keep-alive and expectations from the fields once the head is complete. */
    private void finish() throws BadMessageException {
        int hosts = 0;
        boolean hasLength = false;
        boolean hasCoding = false;
        boolean close = false;
        boolean keepAliveToken = false;
        for (int h = 0; h < headerCount; h++) {
            switch (kinds[h]) {
                case HOST -> hosts++;
                case CONTENT_LENGTH -> {
                    contentLength = contentLength(h, hasLength ? contentLength : -1);
                    hasLength = true;
                }
                case TRANSFER_ENCODING -> hasCoding = true;
                case CONNECTION -> {
                    close |= hasToken(h, "close");
                    keepAliveToken |= hasToken(h, "keep-alive");
                }
                case EXPECT -> expectContinue |= version == Version.HTTP_1_1
                        && HttpChars.equalsLower(buf, valueStart(h), valueEnd(h), "100-continue");
                default -> { }
            }
        }
        if (hosts > 1) {
            throw bad("multiple Host headers");
        }
        if (hosts == 0 && version == Version.HTTP_1_1) {
            throw bad("missing Host header");
        }
        if (hasCoding) {
            checkChunked(hasLength);
            framing = Framing.CHUNKED;
            contentLength = -1;
        } else {
            framing = hasLength ? Framing.CONTENT_LENGTH : Framing.NONE;
        }
        keepAlive = !close && (version == Version.HTTP_1_1 || keepAliveToken);
        head = methodEnd - methodStart == 4 && buf[methodStart] == 'H' && buf[methodStart + 1] == 'E'
                && buf[methodStart + 2] == 'A' && buf[methodStart + 3] == 'D';
    }

    /** Parses a Content-Length field: a list of equal decimal numbers, equal to {@code previous} if that is not -1. */
    private long contentLength(int h, long previous) throws BadMessageException {
        byte[] b = buf;
        int end = valueEnd(h);
        long agreed = previous;
        int i = valueStart(h);
        do {
            while (i < end && HttpChars.isOws(b[i])) {
                i++;
            }
            int digits = 0;
            long value = 0;
            while (i < end && isDigit(b[i])) {
                value = value * 10 + (b[i++] - '0');
                if (++digits > 18) {
                    throw bad("Content-Length too large");
                }
            }
            while (i < end && HttpChars.isOws(b[i])) {
                i++;
            }
            if (digits == 0 || i < end && b[i] != ',') {
                throw bad("invalid Content-Length");
            }
            if (agreed != -1 && agreed != value) {
                throw bad("conflicting Content-Length values");
            }
            agreed = value;
        } while (i++ < end);
        return agreed;
    }

    /** Checks the Transfer-Encoding fields: exactly one "chunked", last, and nothing else. */
    private void checkChunked(boolean hasLength) throws BadMessageException {
        if (version == Version.HTTP_1_0) {
            throw bad("Transfer-Encoding in an HTTP/1.0 request");
        }
        if (hasLength) {
            throw bad("both Transfer-Encoding and Content-Length");
        }
        int chunked = 0;
        boolean other = false;
        for (int h = 0; h < headerCount; h++) {
            if (kinds[h] != TRANSFER_ENCODING) {
                continue;
            }
            byte[] b = buf;
            int end = valueEnd(h);
            int i = valueStart(h);
            while (i <= end) {
                int from = i;
                while (i < end && b[i] != ',') {
                    i++;
                }
                int to = i;
                while (from < to && HttpChars.isOws(b[from])) {
                    from++;
                }
                while (to > from && HttpChars.isOws(b[to - 1])) {
                    to--;
                }
                if (to > from) {
                    if (HttpChars.equalsLower(b, from, to, "chunked")) {
                        chunked++;
                    } else {
                        other = true;
                    }
                }
                i++;
            }
        }
        if (other) {
            throw new BadMessageException(501, "unsupported transfer-coding");
        }
        if (chunked != 1) {
            throw bad("invalid Transfer-Encoding");
        }
    }

    /** Whether the comma-separated list in field {@code h} holds {@code token} (case-insensitive). */
    private boolean hasToken(int h, String token) {
        byte[] b = buf;
        int end = valueEnd(h);
        int i = valueStart(h);
        while (i < end) {
            int from = i;
            while (i < end && b[i] != ',') {
                i++;
            }
            int to = i++;
            while (from < to && HttpChars.isOws(b[from])) {
                from++;
            }
            while (to > from && HttpChars.isOws(b[to - 1])) {
                to--;
            }
            if (HttpChars.equalsLower(b, from, to, token)) {
                return true;
            }
        }
        return false;
    }

    private BadMessageException bad(String reason) {
        return new BadMessageException(400, reason);
    }

    // ---- results (valid once done) ----

    /** The bytes the head took on the wire, leading empty lines included. */
    public int headLength() {
        return scan;
    }

    /** The request method; the common ones are shared constants. */
    public String method() {
        int len = methodEnd - methodStart;
        for (int m = 0; m < COMMON_METHOD_BYTES.length; m++) {
            byte[] c = COMMON_METHOD_BYTES[m];
            if (c.length == len && Arrays.equals(buf, methodStart, methodEnd, c, 0, len)) {
                return COMMON_METHODS[m];
            }
        }
        return new String(buf, methodStart, len, StandardCharsets.ISO_8859_1);
    }

    /** The request-target as sent (latin-1). */
    public String target() {
        return new String(buf, targetStart, targetEnd - targetStart, StandardCharsets.ISO_8859_1);
    }

    /** The HTTP version. */
    public Version version() {
        return version;
    }

    /** How the body is delimited. */
    public Framing framing() {
        return framing;
    }

    /** The Content-Length, or -1 when the body is not delimited by one. */
    public long contentLength() {
        return contentLength;
    }

    /** Whether the connection may serve another request after this one. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** Whether the client waits for {@code 100 Continue} before sending the body (HTTP/1.1 only). */
    public boolean expectContinue() {
        return expectContinue;
    }

    /** Whether this is a HEAD request (answer without a body). */
    public boolean isHead() {
        return head;
    }

    /** The number of header fields. */
    public int headerCount() {
        return headerCount;
    }

    /** The name of field {@code h} as sent (latin-1). */
    public String headerName(int h) {
        return new String(buf, nameStart(h), nameEnd(h) - nameStart(h), StandardCharsets.ISO_8859_1);
    }

    /** The value of field {@code h} without surrounding whitespace (latin-1). */
    public String headerValue(int h) {
        return new String(buf, valueStart(h), valueEnd(h) - valueStart(h), StandardCharsets.ISO_8859_1);
    }

    /** The value of the first field named {@code name} (case-insensitive), or {@code null}. */
    public String header(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        for (int h = 0; h < headerCount; h++) {
            if (HttpChars.equalsLower(buf, nameStart(h), nameEnd(h), lower)) {
                return headerValue(h);
            }
        }
        return null;
    }

    // ---- raw access for CgiVars ----

    byte[] buffer() {
        return buf;
    }

    int methodStart() {
        return methodStart;
    }

    int methodEnd() {
        return methodEnd;
    }

    int targetStart() {
        return targetStart;
    }

    int targetEnd() {
        return targetEnd;
    }

    int nameStart(int h) {
        return offsets[4 * h];
    }

    int nameEnd(int h) {
        return offsets[4 * h + 1];
    }

    int valueStart(int h) {
        return offsets[4 * h + 2];
    }

    int valueEnd(int h) {
        return offsets[4 * h + 3];
    }

    byte kind(int h) {
        return kinds[h];
    }
}
