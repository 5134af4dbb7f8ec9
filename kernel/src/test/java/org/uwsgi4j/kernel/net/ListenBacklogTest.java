package org.uwsgi4j.kernel.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The accept queue of a real listening socket, found by its port and read with TCP_INFO. */
class ListenBacklogTest {

    @Test
    void countsTheConnectionsWaitingToBeAcceptedThenNoneOnceAccepted() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            ListenBacklog.Socket socket = ListenBacklog.find(server.getLocalPort());
            assertTrue(socket.fd() > 0, "the listening socket's descriptor is found");
            assertEquals(0, ListenBacklog.queue(socket));
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket c = new Socket();
                    c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
                    clients.add(c);
                }
                assertEquals(3, ListenBacklog.queue(socket)); // loopback handshakes complete in connect()
                for (int i = 0; i < 3; i++) {
                    server.accept().close();
                }
                assertEquals(0, ListenBacklog.queue(socket));
            } finally {
                for (Socket c : clients) {
                    c.close();
                }
            }
        }
    }

    @Test
    void anUnknownSocketHasNoQueue() {
        assertEquals(0, ListenBacklog.queue(ListenBacklog.Socket.UNKNOWN));
    }
}
