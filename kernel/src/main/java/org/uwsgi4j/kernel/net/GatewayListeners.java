package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.uwsgi4j.kernel.api.Listeners;
import org.uwsgi4j.kernel.api.LocalUwsgi;

/**
 * The api's {@link Listeners}: sockets bound for plugins as {@link Listener} binds the kernel's
 * own (uWSGI's address forms, {@code --listen}, {@code --reuse-port}, {@code --chmod-socket},
 * {@code --chown-socket}), and the address of the server's first uwsgi socket.
 */
public final class GatewayListeners implements Listeners {

    private final SocketSettings settings;
    private final Optional<SocketAddress> uwsgiSocket;
    private final Optional<LocalUwsgi> localUwsgiSocket;

    /** Listeners with {@code settings}; {@code server} is the kernel's bound server (null: none). */
    public GatewayListeners(SocketSettings settings, Server server) throws IOException {
        this.settings = settings;
        Optional<SocketAddress> first = Optional.empty();
        Optional<LocalUwsgi> local = Optional.empty();
        if (server != null) {
            for (Listener l : server.listeners()) {
                if (l.spec().protocol() == Protocol.UWSGI) {
                    first = Optional.of(l.localAddress());
                    local = Optional.of(server.localSocket(l));
                    break;
                }
            }
        }
        this.uwsgiSocket = first;
        this.localUwsgiSocket = local;
    }

    @Override
    public ServerSocketChannel bind(String address) throws IOException {
        SocketAddressSpec spec;
        try {
            spec = SocketAddressSpec.parse(address);
        } catch (SocketAddressSpec.InvalidAddressException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        if (spec.tcp() != null) {
            var channel = ServerSocketChannel.open(spec.tcp().getAddress() instanceof java.net.Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            try {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                if (settings.reusePort()) {
                    channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                channel.bind(spec.tcp(), settings.listen());
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            return channel;
        }
        Files.deleteIfExists(spec.unix());
        var channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(spec.bindAddress(), settings.listen());
            if (settings.chmodSocket().isPresent()) {
                Files.setPosixFilePermissions(spec.unix(),
                        PosixFilePermissions.fromString(PosixModes.toString(settings.chmodSocket().get())));
            }
            settings.chownSocket().ifPresent(owner -> SocketOwner.apply(spec.unix(), owner));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    @Override
    public Optional<SocketAddress> uwsgiSocket() {
        return uwsgiSocket;
    }

    @Override
    public Optional<LocalUwsgi> localUwsgiSocket() {
        return localUwsgiSocket;
    }
}
