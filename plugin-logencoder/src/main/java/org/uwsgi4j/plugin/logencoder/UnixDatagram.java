package org.uwsgi4j.plugin.logencoder;

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
import java.nio.charset.StandardCharsets;

/**
 * An unbound {@code AF_UNIX}/{@code SOCK_DGRAM} socket sending to one path (the JDK has Unix
 * stream sockets only): what syslog(3) writes {@code /dev/log} with, and uWSGI's
 * {@code socket:/path} and {@code rsyslog:/path} loggers. Linux, through the C library (FFM).
 * Used by one thread at a time.
 */
final class UnixDatagram implements AutoCloseable {

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SUN_PATH = 108;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SENDTO = handle("sendto", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LINKER.defaultLookup().find("strerror").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private final Arena arena = Arena.ofShared();
    private final String path;
    private final MemorySegment address;
    private final MemorySegment state;
    private final int fd;

    /**
     * A socket sending to {@code path}.
     *
     * @throws IOException when the path is too long or no socket can be made
     */
    UnixDatagram(String path) throws IOException {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length >= SUN_PATH) {
            throw new IOException(path + ": path too long for a Unix socket");
        }
        this.path = path;
        this.address = arena.allocate(2 + SUN_PATH);
        address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(name, 0, address, ValueLayout.JAVA_BYTE, 2, name.length);
        this.state = arena.allocate(CALL_STATE);
        try {
            this.fd = (int) SOCKET.invokeExact(state, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        } catch (Throwable t) {
            arena.close();
            throw new IOException("socket(): " + t);
        }
        if (fd < 0) {
            arena.close();
            throw new IOException("socket(): " + strerror((int) ERRNO.get(state, 0L)));
        }
    }

    /** Sends {@code bytes} as one datagram; a full or absent receiver is an {@link IOException}. */
    void send(byte[] bytes) throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment buf = call.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, buf, ValueLayout.JAVA_BYTE, 0, bytes.length);
            long n = (long) SENDTO.invokeExact(state, fd, buf, (long) bytes.length, 0, address, 2 + SUN_PATH);
            if (n < 0) {
                throw new IOException("sendto(" + path + "): " + strerror((int) ERRNO.get(state, 0L)));
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("sendto(" + path + "): " + t);
        }
    }

    @Override
    public void close() {
        try {
            int ignored = (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            // the descriptor is gone either way
        }
        arena.close();
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor,
                Linker.Option.captureCallState("errno"));
    }

    private static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }
}
