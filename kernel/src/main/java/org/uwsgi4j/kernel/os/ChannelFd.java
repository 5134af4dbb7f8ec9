package org.uwsgi4j.kernel.os;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.SelectableChannel;
import java.util.Arrays;
import java.util.Optional;

/**
 * The file descriptor number of an NIO channel, for system calls the JDK has no API for
 * (epoll with one-shot registrations, {@link Epoll}). The JDK keeps it behind its internal
 * {@code sun.nio.ch.SelChImpl#getFDVal}, reachable when the launcher exports that package to
 * unnamed modules ({@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}, in bin/uwsgi4j);
 * without the export {@link #available} is false and callers use the JDK's own I/O.
 */
public final class ChannelFd {

    private final MethodHandle getFd;

    private ChannelFd(MethodHandle getFd) {
        this.getFd = getFd;
    }

    /** The accessor for channels of {@code sample}'s class, if the JDK lets this code reach it. */
    public static Optional<ChannelFd> forClassOf(SelectableChannel sample) {
        return Arrays.stream(sample.getClass().getInterfaces())
                .filter(i -> i.getName().equals("sun.nio.ch.SelChImpl"))
                .findFirst()
                .flatMap(ChannelFd::lookup);
    }

    private static Optional<ChannelFd> lookup(Class<?> selChImpl) {
        if (!selChImpl.getModule().isExported(selChImpl.getPackageName(), ChannelFd.class.getModule())) {
            return Optional.empty();
        }
        try {
            MethodHandle h = MethodHandles.lookup().findVirtual(selChImpl, "getFDVal", MethodType.methodType(int.class));
            return Optional.of(new ChannelFd(h.asType(MethodType.methodType(int.class, SelectableChannel.class))));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The channel's descriptor, or -1 when it has none (closed) or is of another class. */
    public int of(SelectableChannel channel) {
        try {
            return (int) getFd.invokeExact(channel);
        } catch (Throwable t) {
            return -1;
        }
    }
}
