package org.uwsgi4j.plugin.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import org.uwsgi4j.kernel.api.HttpHeads;
import org.uwsgi4j.kernel.api.UwsgiPackets;

/**
 * What every connection of one router shares: its settings, its backends, the kernel's parsers
 * and the deadlines' sweeper.
 */
record Router(RouterSettings settings, Balancer backends, HttpHeads heads, UwsgiPackets packets, Deadlines deadlines,
              RouterStats stats) {

    /**
     * Whether the backends are other servers ({@code --http-to}, subscribed nodes) rather than
     * this instance's own socket, which refuses a variable holding a NUL byte.
     */
    boolean foreignBackends() {
        return !(backends instanceof Backends b) || b.foreign();
    }

    /**
     * Connects to {@code node}, waiting at most {@code --http-connect-timeout} (a Unix socket
     * connects or refuses at once).
     */
    SocketChannel connect(Backends.Node node, Deadlines.Watched watched) throws IOException {
        if (node.address instanceof InetSocketAddress tcp) {
            SocketChannel channel = SocketChannel.open();
            try {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.socket().connect(tcp, (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()));
                return channel;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
        return SocketChannel.open(node.address);
    }
}
