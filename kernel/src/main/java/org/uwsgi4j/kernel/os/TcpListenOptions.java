package org.uwsgi4j.kernel.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.ServerSocketChannel;

/**
 * TCP options of a listening socket that the JDK has no API for, set by a direct
 * {@code setsockopt} on its descriptor ({@link ChannelFd}); Linux only. Each setter returns
 * false where the descriptor cannot be reached or the call fails, and the caller does without.
 * <ul>
 * <li>{@link #noDelay}: {@code TCP_NODELAY} on the listening socket. Linux copies it to every
 * socket the listening one accepts (measured here, {@code TcpListenOptionsTest}), which saves
 * one {@code setsockopt} per connection.
 * <li>{@link #deferAccept}: {@code TCP_DEFER_ACCEPT}, as uWSGI sets it on its TCP sockets
 * (to {@code --socket-timeout}, unless {@code --no-defer-accept}): a connection is accepted
 * when its first data arrives, so no core wakes for a client that has sent nothing yet.
 * </ul>
 */
public final class TcpListenOptions {

    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;
    private static final int TCP_DEFER_ACCEPT = 9;
    private static final MethodHandle SETSOCKOPT = Libc.plain("setsockopt", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private TcpListenOptions() {
    }

    /** Sets {@code TCP_NODELAY} on {@code listening} (a bound TCP socket); true when its connections inherit it. */
    public static boolean noDelay(ServerSocketChannel listening) {
        return setInt(listening, TCP_NODELAY, 1);
    }

    /** Sets {@code TCP_DEFER_ACCEPT} on {@code listening} to {@code seconds} (0 turns it off); true when set. */
    public static boolean deferAccept(ServerSocketChannel listening, int seconds) {
        return setInt(listening, TCP_DEFER_ACCEPT, seconds);
    }

    private static boolean setInt(ServerSocketChannel listening, int option, int value) {
        if (!System.getProperty("os.name", "").equals("Linux")) {
            return false;
        }
        int fd = ChannelFd.forClassOf(listening).map(f -> f.of(listening)).orElse(-1);
        if (fd < 0) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
            v.set(ValueLayout.JAVA_INT, 0, value);
            return (int) SETSOCKOPT.invokeExact(fd, IPPROTO_TCP, option, v, 4) == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
