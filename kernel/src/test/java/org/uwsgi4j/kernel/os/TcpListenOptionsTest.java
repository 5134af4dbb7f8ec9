package org.uwsgi4j.kernel.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;

class TcpListenOptionsTest {

    @Test
    void acceptedSocketsHaveTcpNoDelayFromTheListeningSocket() throws Exception {
        try (ServerSocketChannel listening = ServerSocketChannel.open()) {
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            assertTrue(TcpListenOptions.noDelay(listening), "set on the listening socket (Linux, sun.nio.ch exported to the tests)");
            try (SocketChannel client = SocketChannel.open(listening.getLocalAddress());
                    SocketChannel accepted = listening.accept()) {
                assertEquals(true, accepted.getOption(StandardSocketOptions.TCP_NODELAY));
                assertEquals(false, client.getOption(StandardSocketOptions.TCP_NODELAY), "the client's own socket is untouched");
            }
        }
    }

    @Test
    void withoutItAcceptedSocketsDelay() throws Exception {
        try (ServerSocketChannel listening = ServerSocketChannel.open()) {
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel client = SocketChannel.open(listening.getLocalAddress());
                    SocketChannel accepted = listening.accept()) {
                assertEquals(false, accepted.getOption(StandardSocketOptions.TCP_NODELAY));
            }
        }
    }
}
