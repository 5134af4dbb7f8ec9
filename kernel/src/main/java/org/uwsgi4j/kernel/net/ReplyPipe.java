package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.uwsgi4j.kernel.api.LocalUwsgi;

/**
 * The bytes of one response on their way from the thread that serves a request to the thread
 * that reads them ({@link LocalUwsgi.Reply}), in place of a socket: the writer
 * ({@link #writer()}, what the response writer writes to) copies each write into the pipe and
 * blocks while {@code limit} bytes wait unread (a slow reader holds its serving thread as a
 * full socket buffer would); {@link #end()} is the end of the stream.
 *
 * <pre>
 *  writer: write … write ─▶ end()                      reader: read … read ─▶ -1
 *  reader close() before end(): the writer's writes fail and onAbandon runs (the client went away)
 *  reader release():            the writer's writes are dropped; nobody is told anything
 * </pre>
 *
 * A write wakes a waiting reader, so a streamed response reaches the reader as it is written.
 */
final class ReplyPipe implements LocalUwsgi.Reply {

    /** The largest copy a write makes at once (a large write is copied in pieces of this size). */
    private static final int CHUNK = 64 * 1024;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
    private final long limit;
    private final Writer writer = new Writer();
    private long buffered;
    /** The writer wrote its last byte. */
    private boolean ended;
    /** The reader closed or released the pipe. */
    private boolean closed;
    /** The reader released it: a write after that is dropped, not failed. */
    private boolean released;
    private Runnable onAbandon = () -> { };

    /** @param limit how many unread bytes make the writer wait (at least 1) */
    ReplyPipe(long limit) {
        this.limit = Math.max(1, limit);
    }

    /** What runs (on the reader's thread) when the reader closes before the end; set before the writer starts. */
    void onAbandon(Runnable action) {
        this.onAbandon = action;
    }

    /** The writing side: the response writer's channel. */
    GatheringByteChannel writer() {
        return writer;
    }

    /** The end of the response: the reader reads -1 once it has read everything before it; idempotent. */
    void end() {
        lock.lock();
        try {
            ended = true;
            readable.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        lock.lock();
        try {
            while (chunks.isEmpty() && !ended && !closed) {
                readable.awaitUninterruptibly();
            }
            if (closed) {
                throw new AsynchronousCloseException();
            }
            if (chunks.isEmpty()) {
                return -1;
            }
            int n = 0;
            while (dst.hasRemaining() && !chunks.isEmpty()) {
                ByteBuffer c = chunks.peek();
                int take = Math.min(c.remaining(), dst.remaining());
                dst.put(dst.position(), c, c.position(), take);
                dst.position(dst.position() + take);
                c.position(c.position() + take);
                n += take;
                if (!c.hasRemaining()) {
                    chunks.poll();
                }
            }
            if (buffered >= limit && buffered - n < limit) {
                writable.signal();
            }
            buffered -= n;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a reader waits for bytes now (for tests: the condition a blocked read is in). */
    boolean hasWaitingReader() {
        lock.lock();
        try {
            return lock.hasWaiters(readable);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isOpen() {
        lock.lock();
        try {
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        boolean abandoned;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            abandoned = !ended;
            drop();
        } finally {
            lock.unlock();
        }
        if (abandoned) {
            onAbandon.run();
        }
    }

    @Override
    public void release() {
        lock.lock();
        try {
            closed = true;
            released = true;
            drop();
        } finally {
            lock.unlock();
        }
    }

    /** Forgets the unread bytes and wakes both sides; the caller holds the lock. */
    private void drop() {
        chunks.clear();
        buffered = 0;
        readable.signalAll();
        writable.signalAll();
    }

    /** The writing side; one thread writes (the one serving the request). */
    private final class Writer implements GatheringByteChannel {

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += srcs[i].remaining();
            }
            if (total == 0) {
                return 0;
            }
            lock.lock();
            try {
                long left = total;
                while (left > 0) {
                    while (buffered >= limit && !closed) {
                        writable.awaitUninterruptibly();
                    }
                    if (released) {
                        for (int i = offset; i < offset + length; i++) {
                            srcs[i].position(srcs[i].limit()); // the reader has all it wanted: the rest goes nowhere
                        }
                        return total;
                    }
                    if (closed) {
                        throw new ClosedChannelException();
                    }
                    if (ended) {
                        throw new IOException("write after the end of the response");
                    }
                    int size = (int) Math.min(Math.min(left, CHUNK), Math.max(limit - buffered, 1));
                    ByteBuffer copy = ByteBuffer.allocate(size);
                    for (int i = offset; i < offset + length && copy.hasRemaining(); i++) {
                        ByteBuffer src = srcs[i];
                        int take = Math.min(src.remaining(), copy.remaining());
                        copy.put(copy.position(), src, src.position(), take);
                        copy.position(copy.position() + take);
                        src.position(src.position() + take);
                    }
                    chunks.add(copy.flip());
                    buffered += size;
                    left -= size;
                    readable.signal();
                }
                return total;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return (int) write(new ByteBuffer[] {src}, 0, 1);
        }

        @Override
        public boolean isOpen() {
            return true; // the writer's end is end(), not close()
        }

        @Override
        public void close() {
            end();
        }
    }
}
