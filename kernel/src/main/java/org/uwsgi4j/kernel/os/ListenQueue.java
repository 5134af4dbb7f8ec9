package org.uwsgi4j.kernel.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The accept queue of a listening TCP socket, read as uWSGI's master reads it on Linux:
 * {@code getsockopt(fd, IPPROTO_TCP, TCP_INFO)}, whose {@code tcpi_unacked} of a listening
 * socket is the number of connections waiting to be accepted and {@code tcpi_sacked} the
 * backlog's size. One system call per socket, whatever the number of sockets on the machine
 * (where {@code /proc/net/tcp} lists them all).
 *
 * <pre>
 *  struct tcp_info: 8 bytes of u8 fields, u32 rto, ato, snd_mss, rcv_mss, unacked (offset 24), sacked (28) …
 * </pre>
 */
public final class ListenQueue {

    private static final int IPPROTO_TCP = 6;
    private static final int TCP_INFO = 11;
    private static final int UNACKED = 24;
    /** Larger than any kernel's struct tcp_info needs for the fields read here. */
    private static final int INFO_SIZE = 256;
    private static final MethodHandle GETSOCKOPT = Libc.plain("getsockopt", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    private ListenQueue() {
    }

    /** Connections waiting to be accepted on the listening TCP socket {@code fd} now; -1 when it cannot be read. */
    public static long waiting(int fd) {
        if (fd < 0) {
            return -1;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(INFO_SIZE);
            MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
            length.set(ValueLayout.JAVA_INT, 0, INFO_SIZE);
            int rc = (int) GETSOCKOPT.invokeExact(fd, IPPROTO_TCP, TCP_INFO, info, length);
            if (rc != 0 || length.get(ValueLayout.JAVA_INT, 0) < UNACKED + 4) {
                return -1;
            }
            return Integer.toUnsignedLong(info.get(ValueLayout.JAVA_INT, UNACKED));
        } catch (Throwable t) {
            return -1;
        }
    }
}
