package org.uwsgi4j.kernel.worker;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.uwsgi4j.kernel.protocol.Fields;
import org.uwsgi4j.kernel.protocol.Frame;
import org.uwsgi4j.kernel.protocol.FrameType;

/**
 * A worker-protocol channel over a blocking Unix socket: reads and writes {@link Frame}s
 * (docs/worker-protocol.md, "Frames").
 *
 * <pre>
 *  type(1) flags(1) reserved(2) = 0 length(4, little-endian) | payload (length bytes, ≤ 16 MiB)
 * </pre>
 *
 * <p><b>Reading</b> is buffered: each {@code read(2)} takes whatever the socket holds (up to
 * {@value #BUFFER} bytes) and later calls return the frames already received without a system
 * call, so a response the worker sent as START + DATA + END in one write is read with one
 * system call. Each frame's payload is a fresh heap buffer owned by the caller (see
 * {@link Frame}); nothing else is allocated per frame.
 *
 * <p><b>Writing</b> puts header and payload into one {@code write(2)}: frames up to
 * {@value #BUFFER} bytes in all are copied into a reused direct buffer, larger ones go out as
 * one gathering write. The payload buffers written are not modified (their positions do not
 * move), so a request's variables can be written again to another worker.
 *
 * <p><b>Threads</b>: at most one thread reads and at most one thread writes at a time (one
 * reader and one writer may run concurrently). Callers that write from several threads, such
 * as the control channel's FORK and STOP, must synchronize their writes themselves.
 * {@link #close()} may be called from any thread; a blocked read or write then fails with an
 * {@link java.nio.channels.AsynchronousCloseException}.
 */
public final class FrameChannel implements AutoCloseable {

    /** The header size in bytes. */
    public static final int HEADER = 8;
    /** The largest payload of one frame (16 MiB). */
    public static final int MAX_PAYLOAD = 16 * 1024 * 1024;
    /** The size of the read buffer and of the write buffer (direct memory, per channel). */
    static final int BUFFER = 32 * 1024;

    private static final byte[] EMPTY = new byte[0];

    private final SocketChannel channel;
    /** Received bytes not yet returned, from position to limit (read mode between calls). */
    private final ByteBuffer in = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN).flip();
    private final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);

    /**
     * Wraps a connected channel in blocking mode.
     *
     * @throws IllegalArgumentException when the channel is in non-blocking mode
     */
    public FrameChannel(SocketChannel channel) {
        if (!channel.isBlocking()) {
            throw new IllegalArgumentException("a FrameChannel needs a blocking SocketChannel");
        }
        this.channel = channel;
    }

    /**
     * Reads the next frame, blocking until it has arrived whole.
     *
     * @throws EOFException when the peer closed the channel at a frame boundary
     * @throws IOException  on a malformed header (unknown type, reserved bytes not zero, length
     *                      over 16 MiB), when the channel closes inside a frame, or on an I/O error
     */
    public Frame read() throws IOException {
        ByteBuffer in = this.in;
        if (in.remaining() < HEADER) {
            fill(HEADER, true);
        }
        int at = in.position();
        int code = in.get(at) & 0xff;
        int flags = in.get(at + 1) & 0xff;
        int reserved = in.getShort(at + 2);
        int length = in.getInt(at + 4);
        if (reserved != 0 || length < 0 || length > MAX_PAYLOAD) {
            throw new IOException("malformed worker frame header: type " + code + ", reserved " + reserved
                    + ", length " + Integer.toUnsignedString(length));
        }
        FrameType type;
        try {
            type = FrameType.of(code);
        } catch (IllegalArgumentException e) {
            throw new IOException("malformed worker frame header: " + e.getMessage());
        }
        in.position(at + HEADER);
        if (length == 0) {
            return new Frame(type, flags, ByteBuffer.wrap(EMPTY));
        }
        byte[] payload = new byte[length];
        int done = 0;
        while (true) {
            int n = Math.min(in.remaining(), length - done);
            in.get(payload, done, n);
            done += n;
            if (done == length) {
                return new Frame(type, flags, ByteBuffer.wrap(payload));
            }
            fill(Math.min(length - done, BUFFER), false);
        }
    }

    /** Reads until at least {@code need} bytes are buffered ({@code need ≤ BUFFER}). */
    private void fill(int need, boolean atBoundary) throws IOException {
        in.compact();
        try {
            while (in.position() < need) {
                if (channel.read(in) < 0) {
                    if (atBoundary && in.position() == 0) {
                        throw new EOFException("the worker channel is closed");
                    }
                    throw new IOException("the worker channel closed inside a frame");
                }
            }
        } finally {
            in.flip();
        }
    }

    /**
     * Writes one frame whose payload is the concatenation of {@code payload} (none for an empty
     * payload), header and payload in one write. The buffers' positions do not move.
     *
     * @throws IllegalArgumentException when the payload exceeds 16 MiB or {@code flags} is not a byte
     */
    public void write(FrameType type, int flags, ByteBuffer... payload) throws IOException {
        long length = 0;
        for (ByteBuffer p : payload) {
            length += p.remaining();
        }
        checkFrame(flags, length);
        if (HEADER + length <= BUFFER) {
            out.clear();
            putHeader(type, flags, (int) length);
            for (ByteBuffer p : payload) {
                put(p);
            }
            writeOut();
            return;
        }
        ByteBuffer[] bufs = new ByteBuffer[1 + payload.length];
        out.clear();
        putHeader(type, flags, (int) length);
        bufs[0] = out.flip();
        for (int i = 0; i < payload.length; i++) {
            bufs[i + 1] = payload[i].duplicate();
        }
        writeFully(bufs);
    }

    /** Writes one frame whose payload is {@code fields} (see {@link Fields}). */
    public void writeFields(FrameType type, int flags, String... fields) throws IOException {
        write(type, flags, ByteBuffer.wrap(Fields.encode(fields)));
    }

    /** Writes {@code frames} in order in one write. The payloads' positions do not move. */
    public void writeAll(List<Frame> frames) throws IOException {
        long total = 0;
        for (Frame f : frames) {
            checkFrame(f.flags(), f.length());
            total += HEADER + f.length();
        }
        if (total <= BUFFER) {
            out.clear();
            for (Frame f : frames) {
                putHeader(f.type(), f.flags(), f.length());
                put(f.payload());
            }
            writeOut();
            return;
        }
        ByteBuffer headers = ByteBuffer.allocate(HEADER * frames.size()).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer[] bufs = new ByteBuffer[2 * frames.size()];
        int i = 0;
        for (Frame f : frames) {
            int at = headers.position();
            headers.put((byte) f.type().code()).put((byte) f.flags()).putShort((short) 0).putInt(f.length());
            bufs[i++] = headers.slice(at, HEADER);
            bufs[i++] = f.payload().duplicate();
        }
        writeFully(bufs);
    }

    private static void checkFrame(int flags, long length) {
        if (length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("a frame payload of " + length + " bytes exceeds 16 MiB");
        }
        if (flags < 0 || flags > 255) {
            throw new IllegalArgumentException("flags out of range: " + flags);
        }
    }

    private void putHeader(FrameType type, int flags, int length) {
        out.put((byte) type.code()).put((byte) flags).putShort((short) 0).putInt(length);
    }

    /** Copies {@code p}'s remaining bytes into {@code out} without moving {@code p}'s position. */
    private void put(ByteBuffer p) {
        int n = p.remaining();
        out.put(out.position(), p, p.position(), n);
        out.position(out.position() + n);
    }

    private void writeOut() throws IOException {
        out.flip();
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    private void writeFully(ByteBuffer[] bufs) throws IOException {
        int first = 0;
        while (first < bufs.length) {
            channel.write(bufs, first, bufs.length - first);
            while (first < bufs.length && !bufs[first].hasRemaining()) {
                first++;
            }
        }
    }

    /** Closes the channel; never throws. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
