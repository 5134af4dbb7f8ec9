package org.uwsgi4j.kernel.os;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.SocketChannel;

/**
 * One read of a connected socket that never waits, whatever the socket's blocking mode:
 * {@code recv(2)} with {@code MSG_DONTWAIT} on the descriptor of a JDK {@link SocketChannel},
 * straight into a heap array. It is the first read of a connection just accepted, which the
 * JDK's API can only make with two system calls ({@code FIONREAD}, then a read) or four (the
 * blocking mode switched off and on around a read).
 *
 * <p>The downcall is a critical one with heap access (a non-blocking {@code recv} returns at
 * once): no copy through native memory and no thread-state transition. It reports no error:
 * a result of -1 is "nothing read", and the caller asks the JDK's I/O, which reports the error
 * (or waits) as usual.
 *
 * <p>Contract: the caller owns the channel for the call: no other thread may close it meanwhile
 * (its descriptor number could then be another socket's), and nothing else reads it.
 */
public final class SocketRecv {

    private static final int MSG_DONTWAIT = 0x40;
    private static final SocketRecv OFF = new SocketRecv(null, null);

    private final ChannelFd fds;
    private final MethodHandle recv;

    private SocketRecv(ChannelFd fds, MethodHandle recv) {
        this.fds = fds;
        this.recv = recv;
    }

    /**
     * Reads for this JVM's socket channels, or the reads that are off (every call returns -1)
     * when the JDK does not let the kernel reach their descriptors ({@link ChannelFd}).
     */
    public static SocketRecv open() {
        try (SocketChannel sample = SocketChannel.open()) {
            var fds = ChannelFd.forClassOf(sample);
            if (fds.isEmpty()) {
                return OFF;
            }
            return new SocketRecv(fds.get(), Libc.criticalWithHeap("recv", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT)));
        } catch (IOException | RuntimeException | LinkageError e) {
            return OFF;
        }
    }

    /** Reads that are off: {@link #now} always returns -1. */
    public static SocketRecv off() {
        return OFF;
    }

    /** True when {@link #now} reads (false: it always returns -1). */
    public boolean isOn() {
        return fds != null;
    }

    /**
     * Reads what {@code socket} holds already into {@code array[offset, offset + length)},
     * without waiting: the number of bytes read (at least 1), 0 at end of stream, or -1 when
     * nothing was read (nothing is there, the call failed, or the reads are off).
     */
    public int now(SocketChannel socket, byte[] array, int offset, int length) {
        if (fds == null || length <= 0) {
            return -1;
        }
        int fd = fds.of(socket);
        if (fd < 0) {
            return -1;
        }
        try {
            long n = (long) recv.invokeExact(fd, MemorySegment.ofArray(array).asSlice(offset, length), (long) length, MSG_DONTWAIT);
            return n < 0 ? -1 : (int) n;
        } catch (Throwable t) {
            return -1;
        }
    }

    /** The same for a buffer's remaining room (a heap buffer); its position moves past what was read. */
    public int now(SocketChannel socket, java.nio.ByteBuffer buffer) {
        if (!buffer.hasArray()) {
            return -1;
        }
        int n = now(socket, buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
        if (n > 0) {
            buffer.position(buffer.position() + n);
        }
        return n;
    }
}
