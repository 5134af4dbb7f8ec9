package org.uwsgi4j.kernel.api;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.Optional;

/**
 * The kernel's listener factory, for plugins that serve clients on sockets of their own (the
 * HTTP router's {@code --http}, uWSGI's gateways). Registered once the kernel's own sockets are
 * bound, before the master drops its privileges: a plugin that binds from its component's
 * activation may still take a privileged port.
 */
public interface Listeners {

    /**
     * Binds a listening socket at {@code address}, written as uWSGI writes socket addresses
     * ({@code :8080}, {@code 127.0.0.1:0}, {@code [::1]:8080}, a Unix socket path), with the
     * kernel's socket options ({@code --listen}, {@code --reuse-port}, {@code --chmod-socket},
     * {@code --chown-socket}). The channel is blocking and not yet accepting; its owner closes it.
     *
     * @throws IllegalArgumentException when {@code address} is no socket address (one-line message)
     * @throws IOException              when the socket cannot be bound
     */
    ServerSocketChannel bind(String address) throws IOException;

    /**
     * This instance's first uwsgi-protocol socket (a {@code --socket}, or the internal one the
     * kernel binds on 127.0.0.1 when a gateway runs and no {@code --socket} is given, as uWSGI
     * does): where an embedded router forwards its requests. Empty when there is none.
     */
    Optional<SocketAddress> uwsgiSocket();

    /**
     * The same socket as {@link #uwsgiSocket()}, served in this JVM without the socket: what an
     * embedded router uses when it forwards to the instance's own workers. Empty when
     * {@link #uwsgiSocket()} is.
     */
    Optional<LocalUwsgi> localUwsgiSocket();
}
