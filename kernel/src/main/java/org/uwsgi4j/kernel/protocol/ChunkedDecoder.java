package org.uwsgi4j.kernel.protocol;

import java.nio.ByteBuffer;

/**
 * Push decoder for a chunked request body (RFC 9112 section 7.1).
 *
 * <pre>
 *        +--hex--+
 *        v       |
 *  SIZE -+-------+--';'--> EXTENSION --+--CRLF--> DATA --size bytes--> DATA_CR --CRLF--> SIZE
 *        +--SP/HTAB--> SIZE_WS --------+
 *  size 0 ... CRLF --> TRAILER (fields skipped, line by line) --empty line--> DONE
 * </pre>
 *
 * Chunk data is handed to a {@link Sink} as ranges of the caller's own buffer, so nothing is
 * copied here; extensions are ignored and trailer fields skipped. Refused with 400: a missing or
 * non-hex size, a size over 2^59, a size line longer than {@link ProtocolLimits#maxChunkLine()},
 * trailers over {@link ProtocolLimits#maxTrailers()}, missing CRLF after chunk data, a bare CR,
 * and a bare LF ending any line of the framing: a lenient proxy in front may frame such a body
 * differently (request smuggling), so it is refused as Go's net/http refuses it, although the
 * request line and header fields may still end with a bare LF (RFC 9112 section 2.2). Stops right after the last CRLF: bytes after the
 * body stay in the buffer. One instance per connection, reused with {@link #reset()}.
 */
public final class ChunkedDecoder {

    /** Receives decoded body bytes: {@code length} bytes of {@code src} from absolute index {@code offset}. */
    @FunctionalInterface
    public interface Sink {
        /** Takes the bytes; must not keep a reference to {@code src} after returning. */
        void write(ByteBuffer src, int offset, int length);
    }

    /** Where the decoder is in the body. */
    public enum State { SIZE, SIZE_WS, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER_START, TRAILER, TRAILER_LF, END_LF, DONE }

    private static final long MAX_CHUNK = 1L << 59;
    private static final String BARE_LF = "bare LF in a chunked body (lines end with CRLF)";

    private final int maxLine;
    private final int maxTrailers;

    private State state = State.SIZE;
    private long chunkLeft;
    private int digits;
    private int lineLength;
    private int trailerBytes;
    private long decoded;

    /** A decoder enforcing {@code limits}' chunk-line and trailer limits. */
    public ChunkedDecoder(ProtocolLimits limits) {
        this.maxLine = limits.maxChunkLine();
        this.maxTrailers = limits.maxTrailers();
    }

    /** Starts on a new body. */
    public void reset() {
        state = State.SIZE;
        chunkLeft = 0;
        digits = 0;
        lineLength = 0;
        trailerBytes = 0;
        decoded = 0;
    }

    /** The current state. */
    public State state() {
        return state;
    }

    /** Whether the terminating chunk and trailers have been read. */
    public boolean isDone() {
        return state == State.DONE;
    }

    /** The decoded body bytes handed to the sink so far. */
    public long decodedLength() {
        return decoded;
    }

    /**
     * Decodes what {@code in} holds, handing data to {@code sink} and advancing {@code in}'s
     * position over the bytes of the body and no further.
     *
     * @return whether the body is complete
     * @throws BadMessageException (400) on a malformed body
     */
    public boolean decode(ByteBuffer in, Sink sink) throws BadMessageException {
        while (state != State.DONE && in.hasRemaining()) {
            if (state == State.DATA) {
                int n = (int) Math.min(chunkLeft, in.remaining());
                int at = in.position();
                in.position(at + n);
                chunkLeft -= n;
                decoded += n;
                if (chunkLeft == 0) {
                    state = State.DATA_CR;
                }
                sink.write(in, at, n);
                continue;
            }
            step(in.get());
        }
        return state == State.DONE;
    }

    private void step(byte c) throws BadMessageException {
        switch (state) {
            case SIZE -> {
                int d = Character.digit(c, 16);
                if (d >= 0 && c < 0x80) {
                    if (chunkLeft >= MAX_CHUNK >>> 4) {
                        throw bad("chunk size too large");
                    }
                    chunkLeft = chunkLeft << 4 | d;
                    digits++;
                    countLine();
                } else if (digits == 0) {
                    throw bad("invalid chunk size");
                } else if (c == ';') {
                    countLine();
                    state = State.EXTENSION;
                } else if (HttpChars.isOws(c)) {
                    countLine();
                    state = State.SIZE_WS;
                } else {
                    endOfLine(c, State.SIZE_LF, "invalid chunk size");
                }
            }
            case SIZE_WS -> {
                if (c == ';') {
                    countLine();
                    state = State.EXTENSION;
                } else if (HttpChars.isOws(c)) {
                    countLine();
                } else {
                    endOfLine(c, State.SIZE_LF, "invalid chunk size");
                }
            }
            case EXTENSION -> {
                if (c == '\r' || c == '\n') {
                    endOfLine(c, State.SIZE_LF, "invalid chunk extension");
                } else if (c == 0) {
                    throw bad("NUL byte in a chunk extension");
                } else {
                    countLine();
                }
            }
            case SIZE_LF, DATA_LF, TRAILER_LF, END_LF -> {
                if (c != '\n') {
                    throw bad("CR not followed by LF in a chunked body");
                }
                lineEnded();
            }
            case DATA_CR -> endOfLine(c, State.DATA_LF, "missing CRLF after chunk data");
            case TRAILER_START -> {
                if (c == '\r') {
                    state = State.END_LF;
                } else if (c == '\n') {
                    throw bad(BARE_LF);
                } else {
                    countTrailer();
                    state = State.TRAILER;
                }
            }
            case TRAILER -> {
                if (c == '\r' || c == '\n') {
                    endOfLine(c, State.TRAILER_LF, "invalid trailer");
                } else {
                    countTrailer();
                }
            }
            case DATA, DONE -> throw new IllegalStateException(state.name());
        }
    }

    /** At a byte that must end a line: CR (then expect LF in {@code crState}) or a bare LF. */
    private void endOfLine(byte c, State crState, String reason) throws BadMessageException {
        if (c == '\r') {
            state = crState;
        } else if (c == '\n') {
            throw bad(BARE_LF);
        } else {
            throw bad(reason);
        }
    }

    /** After the LF of a line in state {@code state} (a *_LF state). */
    private void lineEnded() {
        switch (state) {
            case SIZE_LF -> {
                lineLength = 0;
                digits = 0;
                state = chunkLeft == 0 ? State.TRAILER_START : State.DATA;
            }
            case DATA_LF -> state = State.SIZE;
            case TRAILER_LF -> state = State.TRAILER_START;
            case END_LF -> state = State.DONE;
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void countLine() throws BadMessageException {
        if (++lineLength > maxLine) {
            throw bad("chunk size line too long (max " + maxLine + ")");
        }
    }

    private void countTrailer() throws BadMessageException {
        if (++trailerBytes > maxTrailers) {
            throw bad("chunked trailers too large (max " + maxTrailers + ")");
        }
    }

    private static BadMessageException bad(String reason) {
        return new BadMessageException(400, reason);
    }
}
