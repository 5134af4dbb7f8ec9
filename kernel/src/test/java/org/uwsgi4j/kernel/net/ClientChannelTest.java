package org.uwsgi4j.kernel.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.uwsgi4j.kernel.os.SocketRecv;

/** The close watch of a client connection: going away is seen, a pipelined request is not lost. */
@Timeout(20)
class ClientChannelTest {

    @TempDir
    Path dir;
    SocketChannel peer;
    ClientChannel client;

    @BeforeEach
    void connect() throws IOException {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("client.sock"));
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(address)) {
            peer = SocketChannel.open(address);
            client = new ClientChannel(server.accept(), 64);
        }
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        peer.close();
    }

    private String buffered() {
        ByteBuffer b = client.buffer().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void theBufferGrowsWhenAReadFillsItAndShrinksWhenIdle() throws Exception {
        client.close();
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("big.sock"));
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(address);
             SocketChannel sender = SocketChannel.open(address)) {
            client = new ClientChannel(server.accept(), 16 * 1024);
            assertEquals(ClientChannel.SMALL, client.buffer().capacity(), "an idle connection holds a small buffer");
            byte[] body = new byte[10_000];
            java.util.Arrays.fill(body, (byte) 'b');
            sender.write(ByteBuffer.wrap(body));
            int got = 0;
            while (got < body.length) {
                assertTrue(client.fill());
                got += client.buffer().remaining();
                client.buffer().position(client.buffer().limit()); // consumed
            }
            assertEquals(body.length, got, "every byte read once, across the growth");
            assertEquals(16 * 1024, client.buffer().capacity(), "a read that filled the small buffer made room for more");
            client.idle();
            assertEquals(ClientChannel.SMALL, client.buffer().capacity(), "back to small between requests");
            sender.write(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
            assertTrue(client.fill());
            assertEquals("GET / HTTP/1.1\r\n\r\n", buffered());
            client.idle();
            assertEquals("GET / HTTP/1.1\r\n\r\n", buffered(), "unread bytes are never dropped");
        }
    }

    @Test
    void aClientThatClosesWhileItsResponseIsAwaitedRunsTheAction() throws Exception {
        CountDownLatch gone = new CountDownLatch(1);
        client.awaitingResponse(gone::countDown);
        assertTrue(client.awaitingSince() != 0);
        client.watchForClose();
        peer.close();
        assertTrue(gone.await(10, TimeUnit.SECONDS), "the watch saw the end of stream");
        client.responded();
        assertEquals(0, client.awaitingSince());
        assertFalse(client.fill(), "the next read is the end of stream the watch saw");
    }

    @Test
    void aPipelinedRequestReadAheadByTheWatchIsHandedToTheNextFillInOrder() throws Exception {
        CountDownLatch gone = new CountDownLatch(1);
        client.awaitingResponse(gone::countDown);
        client.watchForClose();
        peer.write(ByteBuffer.wrap("GET /next HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        client.responded();
        StringBuilder got = new StringBuilder();
        while (got.length() < 20) {
            assertTrue(client.fill());
            got.append(buffered());
            client.buffer().position(client.buffer().limit());
        }
        assertEquals("GET /next HTTP/1.1\r\n", got.toString());
        peer.close();
        assertFalse(client.fill());
        assertEquals(1, gone.getCount(), "a client that hangs up after its response is not 'gone' from one");
    }

    /** A TCP connection as an HTTP socket accepts it, read by {@link ClientChannel#fillNow} with {@code recv}. */
    @Test
    void fillNowReadsWhatIsThereWithOneRecvAndNeverWaits() throws Exception {
        SocketRecv recv = SocketRecv.open();
        assertTrue(recv.isOn(), "the tests run with sun.nio.ch exported, as bin/uwsgi4j does: recv must be on");
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel sender = SocketChannel.open(server.getLocalAddress())) {
            ClientChannel tcp = new ClientChannel(server.accept(), 16 * 1024, recv);
            try {
                assertFalse(tcp.fillNow(), "nothing sent yet: nothing read, and no wait");
                assertFalse(tcp.buffer().hasRemaining());
                assertTrue(tcp.socket().isBlocking(), "the socket stays in blocking mode for the connection's thread");
                sender.write(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
                StringBuilder got = new StringBuilder();
                while (got.length() < 18) { // loopback delivers at once; the loop only guards a split read
                    if (tcp.fillNow()) {
                        got.append(bufferedOf(tcp));
                        tcp.buffer().position(tcp.buffer().limit());
                    }
                }
                assertEquals("GET / HTTP/1.1\r\n\r\n", got.toString());
                sender.close();
                assertFalse(tcp.fillNow(), "end of stream: nothing read");
                assertFalse(tcp.fill(), "the next fill sees the end of stream again");
            } finally {
                tcp.close();
            }
        }
    }

    /** The same on a Unix socket (a uwsgi socket behind nginx): the recv reads it too, and keeps unread bytes in order. */
    @Test
    void fillNowWithRecvOnAUnixSocketKeepsWhatTheBufferHeldAndItsOrder() throws Exception {
        client.close();
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("recv.sock"));
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(address);
             SocketChannel sender = SocketChannel.open(address)) {
            client = new ClientChannel(server.accept(), 16 * 1024, SocketRecv.open());
            assertFalse(client.fillNow());
            sender.write(ByteBuffer.wrap("abc".getBytes(StandardCharsets.ISO_8859_1)));
            while (!client.fillNow()) {
                Thread.onSpinWait(); // loopback delivery is immediate; this only guards the test
            }
            client.buffer().get(); // "a" consumed, "bc" left unread
            sender.write(ByteBuffer.wrap("def".getBytes(StandardCharsets.ISO_8859_1)));
            while (client.buffer().remaining() < 5) {
                client.fillNow(); // loopback delivery is immediate; the loop only guards a split read
            }
            assertEquals("bcdef", buffered(), "the unread bytes kept, the new ones after them");
            assertTrue(client.socket().isBlocking());
        }
    }

    private static String bufferedOf(ClientChannel channel) {
        ByteBuffer b = channel.buffer().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
