package org.uwsgi4j.kernel.protocol;

import java.nio.ByteBuffer;

/**
 * Push parser for the request side of the uwsgi protocol: a 4-byte header, then a vars block.
 *
 * <pre>
 *  byte 0        1          2          3
 *      +---------+----------+----------+-----------+
 *      |modifier1| datasize (16 bit LE) | modifier2 |   then datasize bytes:
 *      +---------+----------+----------+-----------+
 *      | klen (16 LE) | key | vlen (16 LE) | value | klen | key | ...
 *
 *  HEADER --4 bytes--> KEY_SIZE --2--> KEY --klen--> VALUE_SIZE --2--> VALUE --vlen--+
 *             |            ^                                                        |
 *             |            +----------------- more of the block left ---------------+
 *             +--> RAW (modifiers whose payload is not a vars block) --datasize--> DONE
 *  (datasize 0, or the block used up) ---------------------------------------------> DONE
 * </pre>
 *
 * Feed it any fragments ({@link #parse(ByteBuffer)}, one byte at a time works too); it copies
 * each key and value byte once, straight into the {@link RequestVars} given to {@link #reset}.
 * It consumes nothing past the end of the packet: whatever follows (the request body of
 * CONTENT_LENGTH bytes, or a next packet) stays in the buffer for the caller. No I/O, no
 * threads; one instance per connection, reused with {@link #reset}.
 *
 * <p>Errors are uWSGI's log lines: a datasize above the buffer size gives
 * {@code invalid request block size: N (max M)...skip} (and for 21573, "GE" of "GET", a hint
 * that HTTP is being spoken to a uwsgi socket); a malformed block gives
 * {@code invalid uwsgi request (current strsize: N). skip.} or
 * {@code uwsgi key cannot be null. skip this request.}. A NUL byte in a key or value is refused
 * ({@code invalid uwsgi request (NUL byte in a var). skip.}) except in the value of
 * HTTPS_CLIENT_CERTIFICATE, which is then dropped (SKIP).
 */
public final class UwsgiPacketParser {

    /** Where the parser is in the packet. */
    public enum State { HEADER, KEY_SIZE, KEY, VALUE_SIZE, VALUE, SKIP, RAW, DONE }

    /**
     * The one variable whose value may hold NUL bytes: uWSGI's HTTP router sends a client
     * certificate's DER in it. Dropped (the blob cannot carry a NUL), the request served.
     */
    private static final byte[] BINARY_VAR = "HTTPS_CLIENT_CERTIFICATE".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    /** The datasize of an HTTP request line starting with "GET " read as a uwsgi header. */
    public static final int HTTP_GET_DATASIZE = 21573;

    /** The second log line given with {@link #HTTP_GET_DATASIZE}, after uWSGI's "Things to know". */
    public static final String HTTP_HINT =
            "(21573 as block size usually means a client is speaking HTTP to this uwsgi-protocol socket: use --http-socket for HTTP clients)";

    /** uWSGI modifiers whose payload is not a vars block: eval 22, messages 31-33, echo 101, code string 172. */
    private static final int[] DEFAULT_RAW_MODIFIERS = {22, 31, 32, 33, 101, 172};

    private final int bufferSize;
    private final boolean[] rawPayload = new boolean[256];
    private final byte[] header = new byte[4];

    private State state = State.HEADER;
    private RequestVars vars;
    private int headerFilled;
    private int modifier1;
    private int modifier2;
    private int datasize;
    private int blockLeft;
    private int fieldSize;
    private int fieldLeft;
    private long consumed;
    private byte[] raw;
    private int rawFilled;

    /** A parser with uWSGI's default raw-payload modifiers. */
    public UwsgiPacketParser(ProtocolLimits limits) {
        this(limits, DEFAULT_RAW_MODIFIERS);
    }

    /** A parser that keeps the payload of {@code rawModifiers} raw instead of parsing it as vars. */
    public UwsgiPacketParser(ProtocolLimits limits, int... rawModifiers) {
        this.bufferSize = limits.bufferSize();
        for (int m : rawModifiers) {
            rawPayload[m & 0xff] = true;
        }
    }

    /** Starts a new packet whose vars go to {@code target} (cleared here). */
    public void reset(RequestVars target) {
        this.vars = target;
        target.clear();
        state = State.HEADER;
        headerFilled = 0;
        modifier1 = 0;
        modifier2 = 0;
        datasize = 0;
        blockLeft = 0;
        fieldLeft = 0;
        consumed = 0;
        rawFilled = 0;
    }

    /** The current state; {@link State#DONE} once the whole packet is parsed. */
    public State state() {
        return state;
    }

    /** Whether the whole packet (header and vars block) has been parsed. */
    public boolean isDone() {
        return state == State.DONE;
    }

    /** modifier1 of the packet (valid once the header is read). */
    public int modifier1() {
        return modifier1;
    }

    /** modifier2 of the packet (valid once the header is read). */
    public int modifier2() {
        return modifier2;
    }

    /** The size of the vars block announced by the header. */
    public int datasize() {
        return datasize;
    }

    /** The bytes consumed for this packet so far; 4 + datasize once done. */
    public long consumed() {
        return consumed;
    }

    /** Whether the payload was kept raw (see the constructor) rather than parsed as vars. */
    public boolean isRawPayload() {
        return rawPayload[modifier1];
    }

    /** The raw payload of a packet whose modifier1 carries no vars block (read-only view). */
    public ByteBuffer payload() {
        return raw == null ? ByteBuffer.allocate(0).asReadOnlyBuffer() : ByteBuffer.wrap(raw, 0, rawFilled).asReadOnlyBuffer();
    }

    /**
     * Parses what {@code in} holds, advancing its position over the bytes that belong to this
     * packet and no further.
     *
     * @return whether the packet is complete
     * @throws BadMessageException on an oversized or malformed packet; the connection should be
     *                             closed (uWSGI answers nothing on uwsgi sockets)
     */
    public boolean parse(ByteBuffer in) throws BadMessageException {
        int start = in.position();
        try {
            while (state != State.DONE && in.hasRemaining()) {
                switch (state) {
                    case HEADER -> readHeader(in);
                    case KEY_SIZE, VALUE_SIZE -> readSize(in);
                    case KEY, VALUE -> readField(in);
                    case SKIP -> skipField(in);
                    case RAW -> readRaw(in);
                    case DONE -> { }
                }
            }
        } finally {
            consumed += in.position() - start;
        }
        return state == State.DONE;
    }

    private void readHeader(ByteBuffer in) throws BadMessageException {
        while (headerFilled < 4 && in.hasRemaining()) {
            header[headerFilled++] = in.get();
        }
        if (headerFilled < 4) {
            return;
        }
        modifier1 = header[0] & 0xff;
        datasize = (header[1] & 0xff) | (header[2] & 0xff) << 8;
        modifier2 = header[3] & 0xff;
        if (datasize > bufferSize) {
            throw new BadMessageException(400, "invalid request block size: " + datasize + " (max " + bufferSize + ")...skip",
                    datasize == HTTP_GET_DATASIZE ? HTTP_HINT : null);
        }
        blockLeft = datasize;
        if (datasize == 0) {
            state = State.DONE;
        } else if (rawPayload[modifier1]) {
            if (raw == null || raw.length < datasize) {
                raw = new byte[Math.max(datasize, 256)];
            }
            state = State.RAW;
        } else {
            startSize(State.KEY_SIZE);
        }
    }

    private void startSize(State next) throws BadMessageException {
        if (blockLeft < 2) {
            throw invalid(blockLeft);
        }
        state = next;
        fieldLeft = 2;
        fieldSize = 0;
    }

    private void readSize(ByteBuffer in) throws BadMessageException {
        while (fieldLeft > 0 && in.hasRemaining()) {
            fieldSize |= (in.get() & 0xff) << (8 * (2 - fieldLeft));
            fieldLeft--;
            blockLeft--;
        }
        if (fieldLeft > 0) {
            return;
        }
        if (state == State.KEY_SIZE) {
            if (fieldSize == 0) {
                throw new BadMessageException(400, "uwsgi key cannot be null. skip this request.");
            }
            // a key must leave room for the value size that follows it
            if (fieldSize + 2 > blockLeft) {
                throw invalid(fieldSize);
            }
            vars.beginKey();
            state = State.KEY;
        } else {
            if (fieldSize > blockLeft) {
                throw invalid(fieldSize);
            }
            state = State.VALUE;
        }
        fieldLeft = fieldSize;
        if (fieldLeft == 0) {
            endField();
        }
    }

    private void readField(ByteBuffer in) throws BadMessageException {
        int n = Math.min(fieldLeft, in.remaining());
        int from = in.position();
        for (int i = 0; i < n; i++) {
            if (in.get(from + i) == 0) {
                if (state == State.VALUE && vars.pendingKeyIs(BINARY_VAR)) {
                    vars.abandon(); // the key and what of the value was appended: the variable is dropped
                    state = State.SKIP;
                    return;
                }
                vars.abandon();
                throw new BadMessageException(400, "invalid uwsgi request (NUL byte in a var). skip.");
            }
        }
        vars.append(in, n);
        fieldLeft -= n;
        blockLeft -= n;
        if (fieldLeft == 0) {
            endField();
        }
    }

    /** Passes over the rest of a dropped value. */
    private void skipField(ByteBuffer in) throws BadMessageException {
        int n = Math.min(fieldLeft, in.remaining());
        in.position(in.position() + n);
        fieldLeft -= n;
        blockLeft -= n;
        if (fieldLeft == 0) {
            if (blockLeft == 0) {
                state = State.DONE;
            } else {
                startSize(State.KEY_SIZE);
            }
        }
    }

    private void endField() throws BadMessageException {
        if (state == State.KEY) {
            vars.endKey();
            startSize(State.VALUE_SIZE);
        } else {
            vars.endValue();
            if (blockLeft == 0) {
                state = State.DONE;
            } else {
                startSize(State.KEY_SIZE);
            }
        }
    }

    private void readRaw(ByteBuffer in) {
        int n = Math.min(blockLeft, in.remaining());
        in.get(raw, rawFilled, n);
        rawFilled += n;
        blockLeft -= n;
        if (blockLeft == 0) {
            state = State.DONE;
        }
    }

    private BadMessageException invalid(int strsize) {
        if (vars != null) {
            vars.abandon();
        }
        return new BadMessageException(400, "invalid uwsgi request (current strsize: " + strsize + "). skip.");
    }
}
