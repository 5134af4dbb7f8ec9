package org.uwsgi4j.kernel.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The kernel's end of a worker core's ahead FIFO (docs/worker-protocol.md, "Requests written
 * ahead"): a named pipe the worker made and reads, non-blocking, once after each request's end;
 * the kernel writes a core's next request into it and may read it back out. Both ends read
 * the same pipe: a request written in one {@code write(2)} of at most {@value #ATOMIC} bytes is
 * taken whole by whichever end reads first, and by that end only.
 *
 * <p>Opened read-write and non-blocking ({@code O_NOFOLLOW}: the worker's user owns the
 * directory, so a link there is refused, as is anything that is not a FIFO), then the name is
 * removed: only the two open descriptors remain.
 *
 * <p>Threads: calls are not synchronized; the caller serializes them (the core's ahead slot).
 */
public final class AheadFifo implements AutoCloseable {

    /** The most a request written ahead may take: PIPE_BUF, so that its one write is atomic. */
    public static final int ATOMIC = 4096;

    private static final int O_RDWR = 2;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_NOFOLLOW = 0x20000;
    private static final int O_CLOEXEC = 0x80000;
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;

    /** The calls this class makes, linked once per kernel (the pool holds it). */
    public static final class Calls {
        private final MethodHandle open;
        private final MethodHandle read;
        private final MethodHandle write;
        private final MethodHandle close;

        private Calls() {
            open = Libc.plain("open", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT), Linker.Option.firstVariadicArg(2));
            // non-blocking reads and writes of a pipe return at once: critical, straight from the heap
            read = Libc.criticalWithHeap("read", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            write = Libc.criticalWithHeap("write", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            close = Libc.plain("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        }

        /** The calls, or empty where they cannot be linked (then no core is written ahead). */
        public static Optional<Calls> link() {
            try {
                return Optional.of(new Calls());
            } catch (RuntimeException | LinkageError e) {
                return Optional.empty();
            }
        }

        /**
         * Opens the FIFO at {@code path} and removes its name; empty when there is none (the
         * worker does not offer one), or it is a link or not a FIFO (then the name is removed too).
         */
        public Optional<AheadFifo> open(Path path) {
            int fd;
            try (Arena arena = Arena.ofConfined()) {
                fd = (int) open.invokeExact(arena.allocateFrom(path.toString()), O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC, 0);
            } catch (Throwable t) {
                return Optional.empty();
            }
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // the name stays in the runtime directory, which is removed with the instance
            }
            if (fd < 0) {
                return Optional.empty();
            }
            AheadFifo fifo = new AheadFifo(this, fd);
            if (!fifo.isFifo()) {
                fifo.close();
                return Optional.empty();
            }
            return Optional.of(fifo);
        }
    }

    private final Calls calls;
    private final int fd;
    private boolean closed;

    private AheadFifo(Calls calls, int fd) {
        this.calls = calls;
        this.fd = fd;
    }

    private boolean isFifo() {
        try {
            int mode = (int) Files.getAttribute(Path.of("/proc/self/fd/" + fd), "unix:mode"); // fstat(2) of the descriptor
            return (mode & S_IFMT) == S_IFIFO;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Writes {@code bytes[0, length)} in one write; true when all of it went in (false: the pipe
     * is full or broken, or {@code length} is over {@value #ATOMIC}).
     */
    public boolean write(byte[] bytes, int length) {
        if (closed || length > ATOMIC) {
            return false;
        }
        try {
            return (long) calls.write.invokeExact(fd, MemorySegment.ofArray(bytes), (long) length) == length;
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * Reads what the pipe holds into {@code into} without waiting: the number of bytes read
     * (at least 1), or -1 when it is empty (or the call failed).
     */
    public int read(byte[] into) {
        if (closed) {
            return -1;
        }
        try {
            long n = (long) calls.read.invokeExact(fd, MemorySegment.ofArray(into), (long) into.length);
            return n > 0 ? (int) n : -1;
        } catch (Throwable t) {
            return -1;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            int ignored = (int) calls.close.invokeExact(fd);
        } catch (Throwable t) {
            // nothing to do: the descriptor is gone either way
        }
    }
}
