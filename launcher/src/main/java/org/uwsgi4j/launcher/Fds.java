package org.uwsgi4j.launcher;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The POSIX file-descriptor calls the JDK has no API for (on raw descriptor numbers), through
 * FFM: each method wraps one libc call, retries it on {@code EINTR}, and turns a failure into
 * an {@link IOException} carrying libc's text for errno ({@link Errno}). Constants are Linux's.
 */
final class Fds {

    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int EAGAIN = 11;

    static final int O_WRONLY = 1;
    static final int O_ACCMODE = 3;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;

    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int F_DUPFD_CLOEXEC = 1030;
    static final int F_SETPIPE_SZ = 1031;

    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout ADDRESS = ValueLayout.ADDRESS;

    private static final MethodHandle PIPE2 = withErrno("pipe2", FunctionDescriptor.of(INT, ADDRESS, INT));
    private static final MethodHandle FCNTL = withErrno("fcntl", FunctionDescriptor.of(INT, INT, INT, INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle DUP2 = withErrno("dup2", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle CLOSE = withErrno("close", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle OPEN = withErrno("open", FunctionDescriptor.of(INT, ADDRESS, INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ = withErrno("read", FunctionDescriptor.of(LONG, INT, ADDRESS, LONG));
    private static final MethodHandle WRITE = withErrno("write", FunctionDescriptor.of(LONG, INT, ADDRESS, LONG));
    private static final MethodHandle POLL = withErrno("poll", FunctionDescriptor.of(INT, ADDRESS, LONG, INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(find("strerror"), FunctionDescriptor.of(ADDRESS, INT));

    /** A failed call: {@code errno} is the C library's error number. */
    static final class Errno extends IOException {
        private static final long serialVersionUID = 1L;
        final int errno;

        Errno(String call, int errno) {
            super(call + ": " + strerror(errno));
            this.errno = errno;
        }
    }

    private Fds() {
    }

    /** {@code pipe2(O_CLOEXEC)}: a new pipe as {read end, write end}. */
    static int[] pipe() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(INT, 2);
            MemorySegment state = arena.allocate(CALL_STATE);
            if (call(() -> (int) PIPE2.invokeExact(state, fds, O_CLOEXEC)) < 0) {
                throw new Errno("pipe2()", errno(state));
            }
            return new int[] {fds.getAtIndex(INT, 0), fds.getAtIndex(INT, 1)};
        }
    }

    /** {@code fcntl(fd, cmd, arg)}: its result. */
    static int fcntl(int fd, int cmd, int arg) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            while (true) {
                int result = call(() -> (int) FCNTL.invokeExact(state, fd, cmd, arg));
                if (result >= 0) {
                    return result;
                }
                if (errno(state) != EINTR) {
                    throw new Errno("fcntl(" + fd + ", " + cmd + ")", errno(state));
                }
            }
        }
    }

    /** {@code dup2(from, to)}: {@code to} now refers to what {@code from} refers to. */
    static void dup2(int from, int to) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            while (call(() -> (int) DUP2.invokeExact(state, from, to)) < 0) {
                if (errno(state) != EINTR) {
                    throw new Errno("dup2(" + from + ", " + to + ")", errno(state));
                }
            }
        }
    }

    /** {@code close(fd)}; like the kernel, it is not retried on EINTR (the descriptor is gone either way). */
    static void close(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if (call(() -> (int) CLOSE.invokeExact(state, fd)) < 0 && errno(state) != EINTR) {
                throw new Errno("close(" + fd + ")", errno(state));
            }
        }
    }

    /** {@code open(path, flags)}: the new descriptor. */
    static int open(String path, int flags) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment cPath = arena.allocateFrom(path);
            while (true) {
                int fd = call(() -> (int) OPEN.invokeExact(state, cPath, flags));
                if (fd >= 0) {
                    return fd;
                }
                if (errno(state) != EINTR) {
                    throw new Errno("open(\"" + path + "\")", errno(state));
                }
            }
        }
    }

    /** {@code read(fd, buf, buf.byteSize())}: the bytes read, 0 at end of file. */
    static int read(int fd, MemorySegment buf, MemorySegment state) throws IOException {
        while (true) {
            long n = call(() -> (long) READ.invokeExact(state, fd, buf, buf.byteSize()));
            if (n >= 0) {
                return (int) n;
            }
            if (errno(state) != EINTR) {
                throw new Errno("read(" + fd + ")", errno(state));
            }
        }
    }

    /**
     * {@code write(fd, buf, len)}: the bytes written, which may be fewer than {@code len};
     * 0 when {@code fd} is non-blocking and full ({@code EAGAIN}).
     */
    static int write(int fd, MemorySegment buf, long len, MemorySegment state) throws IOException {
        while (true) {
            long n = call(() -> (long) WRITE.invokeExact(state, fd, buf, len));
            if (n >= 0) {
                return (int) n;
            }
            int errno = errno(state);
            if (errno == EAGAIN) {
                return 0;
            }
            if (errno != EINTR) {
                throw new Errno("write(" + fd + ")", errno);
            }
        }
    }

    /**
     * {@code poll} on one descriptor for {@code events}, waiting at most {@code timeoutMillis}
     * (negative: no limit); true when it is ready (or in error: the next call will tell).
     */
    static boolean poll(int fd, short events, int timeoutMillis, MemorySegment pollfd, MemorySegment state) throws IOException {
        pollfd.set(INT, 0, fd);
        pollfd.set(ValueLayout.JAVA_SHORT, 4, events);
        pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        while (true) {
            int n = call(() -> (int) POLL.invokeExact(state, pollfd, 1L, timeoutMillis));
            if (n >= 0) {
                return n > 0;
            }
            if (errno(state) != EINTR) {
                throw new Errno("poll(" + fd + ")", errno(state));
            }
        }
    }

    /** A {@code struct pollfd} for {@link #poll}. */
    static MemorySegment pollfd(Arena arena) {
        return arena.allocate(8, 4);
    }

    /** A call-state segment capturing errno, for the calls that take one. */
    static MemorySegment callState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private interface Call<T> {
        T invoke() throws Throwable;
    }

    private static <T> T call(Call<T> call) {
        try {
            return call.invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MethodHandle withErrno(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        all[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(options, 0, all, 1, options.length);
        return LINKER.downcallHandle(find(name), descriptor, all);
    }

    private static MemorySegment find(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name));
    }
}
