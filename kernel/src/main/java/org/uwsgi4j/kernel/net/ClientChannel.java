package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.uwsgi4j.kernel.os.SocketRecv;

/**
 * A client connection's socket and its read buffer. The buffer is kept in "read mode"
 * (position = next unread byte, limit = end of data); {@link #fill()} compacts it and reads
 * more. The idle reaper closes the socket when a read waits longer than {@code --socket-timeout}.
 *
 * <p><b>Close watch.</b> While a response is awaited and nothing of the request is left to read
 * from the socket ({@link #awaitingResponse}), the reaper may start a watch
 * ({@link #watchForClose}): a virtual thread reads one byte ahead, as Go's {@code net/http}
 * does. End of stream or an error there means the client went away: the registered action runs
 * (the worker is told to stop). A byte that arrives (a pipelined next request) is kept and
 * handed to the next {@link #fill()}, which waits for the pending read first, so no byte is lost
 * or reordered and two reads never run at once.
 *
 * <p><b>Buffer size.</b> The buffer starts small ({@value #SMALL} bytes: a request head that
 * fits, and an idle keep-alive connection holds little) and is replaced by one of the full size
 * when a read fills it (a larger head, a body); {@link #idle} goes back to a small one between
 * requests. {@link #buffer()} may so return another buffer after {@link #fill()}: callers
 * fetch it again after each fill.
 *
 * <pre>
 *  awaitingResponse(onClose) ─▶ [reaper, after a second] watchForClose ─▶ read 1 byte ─┬ EOF/error: onClose.run()
 *  responded() ─▶ no watch starts any more                                             └ byte: kept for fill()
 * </pre>
 */
final class ClientChannel {

    /** The buffer's size while the data fits: a typical request head (wrk's is 40 bytes, a browser's 400-1,500). */
    static final int SMALL = 2048;

    private final SocketChannel socket;
    private final int size;
    /** The first read of {@link #fillNow}: one {@code recv} that does not wait (off: the JDK's calls). */
    private final SocketRecv recv;
    /** Read mode between calls; {@link #SMALL} bytes until a read fills it, then {@code size}. */
    private ByteBuffer buffer;
    private volatile long readingSince;
    private volatile boolean timedOut;
    /** What to run when the client closes while a response is awaited; null when none is. Guarded by this. */
    private Runnable onClose;
    private volatile long awaitingSince;
    /** The read started by the close watch, until a fill() takes its byte (or end of stream). */
    private volatile FutureTask<Integer> ahead;
    /** The last read filled the buffer to its end: more is likely waiting (a body). */
    private boolean filledLast;
    /** What a timeout runs while the connection waits in a ready set (see {@link #parked}); null otherwise. */
    private final java.util.concurrent.atomic.AtomicReference<Runnable> onParkedTimeout = new java.util.concurrent.atomic.AtomicReference<>();

    /** A channel whose buffer grows to {@code bufferSize} bytes when the data needs it. */
    ClientChannel(SocketChannel socket, int bufferSize) {
        this(socket, bufferSize, SocketRecv.off());
    }

    /** The same, whose {@link #fillNow} reads with {@code recv} (one system call) when it is on. */
    ClientChannel(SocketChannel socket, int bufferSize, SocketRecv recv) {
        this.socket = socket;
        this.size = bufferSize;
        this.recv = recv;
        this.buffer = ByteBuffer.allocate(Math.min(SMALL, bufferSize)).flip();
    }

    SocketChannel socket() {
        return socket;
    }

    /** The read buffer (read mode); fetch it again after {@link #fill()}, which may replace it. */
    ByteBuffer buffer() {
        return buffer;
    }

    /**
     * Between requests, when nothing of the next one is here: a full-size buffer is given up
     * for a small one, so an idle keep-alive connection holds {@value #SMALL} bytes.
     */
    void idle() {
        if (!buffer.hasRemaining() && buffer.capacity() > SMALL && ahead == null) {
            buffer = ByteBuffer.allocate(SMALL).flip();
        }
    }

    /** Compacts the buffer for a read; a small one with no room left (or that the last read filled) is replaced by a full-size one. */
    private void compactForRead() {
        if (buffer.capacity() < size && (buffer.remaining() == buffer.capacity() || filledLast)) {
            buffer = ByteBuffer.allocate(size).put(buffer);
        } else {
            buffer.compact();
        }
    }

    /**
     * Reads into the buffer what the socket holds already, without waiting: false when it holds
     * nothing (or is at its end, which the next {@link #fill} sees again). One {@code recv} with
     * {@code MSG_DONTWAIT} when the {@link SocketRecv} is on (the caller owns the socket: no
     * close watch or timeout runs yet); when it read nothing, or is off, TCP sockets are asked
     * first ({@code FIONREAD}), and Unix sockets, which have no socket adaptor, are read once in
     * non-blocking mode.
     */
    boolean fillNow() throws IOException {
        if (recv.isOn() && ahead == null) {
            compactForRead();
            int n = recv.now(socket, buffer);
            filledLast = n > 0 && !buffer.hasRemaining();
            buffer.flip();
            if (n >= 0) {
                return n > 0;
            }
        }
        if (!(socket.getLocalAddress() instanceof InetSocketAddress)) {
            compactForRead();
            try {
                socket.configureBlocking(false);
                return socket.read(buffer) > 0;
            } finally {
                socket.configureBlocking(true);
                buffer.flip();
            }
        }
        return socket.socket().getInputStream().available() > 0 && fill();
    }

    /** Reads more bytes into the buffer; false at end of stream. Blocks (virtual thread). */
    boolean fill() throws IOException {
        if (ahead != null) {
            return takeAhead();
        }
        compactForRead();
        try {
            readingSince = System.nanoTime();
            int n = socket.read(buffer);
            filledLast = n > 0 && !buffer.hasRemaining();
            return n >= 0;
        } finally {
            readingSince = 0;
            buffer.flip();
        }
    }

    /** The close watch's read, waited for as any read is (the socket timeout applies); its byte goes into the buffer. */
    private boolean takeAhead() throws IOException {
        int b;
        readingSince = System.nanoTime();
        try {
            b = ahead.get();
        } catch (ExecutionException e) {
            ahead = null;
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the client");
        } finally {
            readingSince = 0;
        }
        if (b < 0) {
            ahead = null;
            return false;
        }
        compactForRead();
        if (buffer.hasRemaining()) { // a full buffer keeps the byte for later, as a read into it reads nothing
            buffer.put((byte) b);
            ahead = null;
        }
        buffer.flip();
        return true;
    }

    /**
     * The connection waits for its response and will not read the socket until
     * {@link #responded()}: from a second on the reaper may start the close watch, which runs
     * {@code onClose} (on the watch's thread) if the client goes away meanwhile.
     */
    synchronized void awaitingResponse(Runnable onClose) {
        this.onClose = onClose;
        awaitingSince = System.nanoTime();
    }

    /** The response is done: no close watch starts any more (one under way is taken over by the next fill). */
    synchronized void responded() {
        onClose = null;
        awaitingSince = 0;
    }

    /** Nanotime since which a response has been awaited (see {@link #awaitingResponse}), or 0. */
    long awaitingSince() {
        return awaitingSince;
    }

    /** Starts the close watch, unless no response is awaited or a read ahead is already pending. */
    synchronized void watchForClose() {
        if (onClose == null || ahead != null) {
            return;
        }
        FutureTask<Integer> read = new FutureTask<>(this::readAhead);
        ahead = read;
        Thread.ofVirtual().name("uwsgi4j-close-watch").start(read);
    }

    /** One byte, or -1 at end of stream; end of stream or an error tells the awaited response. */
    private Integer readAhead() throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        try {
            if (socket.read(one) < 0) {
                closedWhileAwaited();
                return -1;
            }
            return one.get(0) & 0xff;
        } catch (IOException e) {
            closedWhileAwaited();
            throw e;
        }
    }

    private void closedWhileAwaited() {
        Runnable action;
        synchronized (this) {
            action = onClose;
        }
        if (action != null) {
            action.run();
        }
    }

    /**
     * Whether the connection may wait for its next request in a ready set: nothing of it is
     * here yet and no close watch reads ahead (a watch's read is taken over by the next fill).
     */
    boolean mayPark() {
        return !buffer.hasRemaining() && ahead == null;
    }

    /**
     * The connection waits in a ready set, with no thread reading: the socket timeout counts
     * from now as for a read, and when it passes, {@code onTimeout} runs before the socket
     * closes (it takes the connection out of the set while its descriptor is still its own).
     */
    void parked(Runnable onTimeout) {
        idle();
        onParkedTimeout.set(onTimeout);
        readingSince = System.nanoTime();
    }

    /** The connection left its ready set (readable, or its set closed): no parked timeout any more. */
    void unparked() {
        readingSince = 0;
        onParkedTimeout.set(null);
    }

    /** Nanotime since which a read has been waiting, or 0 when none is. */
    long readingSince() {
        return readingSince;
    }

    /** Closes the socket because a read waited too long (see {@link IdleReaper}). */
    void timeOut() {
        timedOut = true;
        Runnable parkedAction = onParkedTimeout.getAndSet(null);
        if (parkedAction != null) {
            parkedAction.run();
        }
        close();
    }

    /** Whether the socket was closed by the socket timeout. */
    boolean timedOut() {
        return timedOut;
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
