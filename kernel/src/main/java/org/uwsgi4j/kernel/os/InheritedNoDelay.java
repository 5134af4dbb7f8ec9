package org.uwsgi4j.kernel.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.ServerSocketChannel;

/**
 * {@code TCP_NODELAY} set once on a listening TCP socket, so that every connection it accepts
 * has it already: Linux copies the option to accepted sockets (tcp(7); measured here), which
 * saves one {@code setsockopt} per connection. The JDK has no API for the option on a
 * listening socket, so this is a direct call on its descriptor ({@link ChannelFd}); where the
 * descriptor cannot be reached or the call fails, {@link #set} says so and the caller sets the
 * option on each accepted socket as before.
 */
public final class InheritedNoDelay {

    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;
    private static final MethodHandle SETSOCKOPT = Libc.plain("setsockopt", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private InheritedNoDelay() {
    }

    /** Sets {@code TCP_NODELAY} on {@code listening} (a bound TCP socket, Linux); true when its connections inherit it. */
    public static boolean set(ServerSocketChannel listening) {
        if (!System.getProperty("os.name", "").equals("Linux")) {
            return false;
        }
        int fd = ChannelFd.forClassOf(listening).map(f -> f.of(listening)).orElse(-1);
        if (fd < 0) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(ValueLayout.JAVA_INT);
            one.set(ValueLayout.JAVA_INT, 0, 1);
            return (int) SETSOCKOPT.invokeExact(fd, IPPROTO_TCP, TCP_NODELAY, one, 4) == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
