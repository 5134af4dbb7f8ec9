package org.uwsgi4j.workertck;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The kernel's end of a core's ahead FIFO (docs/worker-protocol.md, "Requests written ahead"), as
 * the kit plays it: opened read-write and non-blocking when the core's HELLO is read (the name
 * removed at once), so that the kit can write a request into it in one write and read it back
 * without blocking. Plain Java cannot read a FIFO without blocking, hence a few libc calls.
 */
public final class AheadFifo implements AutoCloseable {

    /** The most the kernel writes into a FIFO at once: PIPE_BUF, so that the write is atomic. */
    public static final int PIPE_BUF = 4096;
    private static final int O_RDWR = 2;
    private static final int O_NONBLOCK = 0_4000;
    private static final int O_NOFOLLOW = 0_400000;
    private static final int O_CLOEXEC = 0_2000000;
    private static final int S_IFMT = 0_170000;
    private static final int S_IFIFO = 0_010000;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle OPEN = LINKER.downcallHandle(find("open"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ = LINKER.downcallHandle(find("read"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = LINKER.downcallHandle(find("write"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(find("close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final Path path;
    private final int mode;
    private int fd;

    private AheadFifo(Path path, int mode, int fd) {
        this.path = path;
        this.mode = mode;
        this.fd = fd;
    }

    /**
     * Opens the FIFO at {@code path} as the kernel does, if there is one (not following a link),
     * and removes the name; null when there is nothing there. The file's mode is kept for
     * {@link #mode()}, whatever it is, so that a case can check it.
     */
    static AheadFifo open(Path path) throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = (int) OPEN.invokeExact(arena.allocateFrom(path.toString()), O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC, 0);
        } catch (Throwable t) {
            throw new IOException("open " + path, t);
        }
        Files.delete(path);
        if (fd < 0) {
            throw new IOException("cannot open " + path + " (mode " + Integer.toOctalString(mode) + ")");
        }
        return new AheadFifo(path, mode, fd);
    }

    /** The path the FIFO had (the name is gone). */
    public Path path() {
        return path;
    }

    /** The file's mode (type and permission bits, as {@code st_mode}) when it was opened. */
    public int mode() {
        return mode;
    }

    /** Whether the file was a FIFO. */
    public boolean wasFifo() {
        return (mode & S_IFMT) == S_IFIFO;
    }

    /** Writes {@code bytes} in one write, as the kernel writes a request ahead: at most {@link #PIPE_BUF} bytes. */
    public void write(byte[] bytes) throws IOException {
        if (bytes.length > PIPE_BUF) {
            throw new IllegalArgumentException(bytes.length + " bytes: the kernel writes at most PIPE_BUF into a FIFO");
        }
        long n;
        try (Arena arena = Arena.ofConfined()) {
            n = (long) WRITE.invokeExact(fd, arena.allocateFrom(ValueLayout.JAVA_BYTE, bytes), (long) bytes.length);
        } catch (Throwable t) {
            throw new IOException("write " + path, t);
        }
        if (n != bytes.length) {
            throw new IOException("wrote " + n + " of " + bytes.length + " bytes into " + path);
        }
    }

    /** What the FIFO holds now, read back in one non-blocking read (empty when nothing). */
    public byte[] takeBack() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(65536);
            long n = (long) READ.invokeExact(fd, buf, 65536L);
            return n <= 0 ? new byte[0] : buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        } catch (Throwable t) {
            throw new IOException("read " + path, t);
        }
    }

    /** Closes the kernel's end; never throws. */
    @Override
    public void close() {
        if (fd >= 0) {
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable t) {
                // closing anyway
            }
            fd = -1;
        }
    }

    private static MemorySegment find(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name));
    }
}
