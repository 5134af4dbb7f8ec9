package org.uwsgi4j.kernel.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.os.Epoll;

/**
 * The ready set over real loopback sockets and a real epoll (the test JVM exports sun.nio.ch as
 * the launcher does): one-shot readiness to one waiter, re-arming, nudges, forget and close.
 */
class ReadySetTest {

    private final List<AutoCloseable> open = new ArrayList<>();
    private ServerSocketChannel server;
    private ReadySet set;

    @BeforeEach
    void setUp() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        open.add(server);
        set = ReadySet.open();
        assertTrue(set.isOpen(), "the test JVM exports sun.nio.ch: the set must be on");
    }

    @AfterEach
    void tearDown() throws Exception {
        set.close();
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** A connected pair: [client side, server side]. */
    private SocketChannel[] pair() throws IOException {
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept();
        open.add(client);
        open.add(accepted);
        return new SocketChannel[] {client, accepted};
    }

    private static final class Conn implements ReadySet.Waiting {
        final SocketChannel socket;
        final AtomicInteger ready = new AtomicInteger();
        final AtomicInteger released = new AtomicInteger();

        Conn(SocketChannel socket) {
            this.socket = socket;
        }

        @Override
        public SocketChannel socket() {
            return socket;
        }

        @Override
        public void ready() {
            ready.incrementAndGet();
        }

        @Override
        public void release() {
            released.incrementAndGet();
        }
    }

    private static void send(SocketChannel s, String text) throws IOException {
        s.write(ByteBuffer.wrap(text.getBytes()));
    }

    @Test
    void aReadableConnectionIsReportedOnceUntilArmedAgain() throws IOException {
        SocketChannel[] p = pair();
        Conn conn = new Conn(p[1]);
        Epoll.Events events = set.events();
        assertTrue(set.arm(conn));
        assertNull(set.await(events, 0), "nothing to read yet");
        send(p[0], "GET / HTTP/1.1\r\n\r\n");
        assertSame(conn, set.await(events, 5000));
        assertNull(set.await(events, 50), "one-shot: not reported again before it is armed");
        assertTrue(set.arm(conn), "armed again, with the bytes still unread");
        assertSame(conn, set.await(events, 5000));
        assertEquals(0, set.armedCount());
    }

    @Test
    void eachReadinessGoesToOneOfManyWaiters() throws Exception {
        int n = 20;
        List<Conn> conns = new ArrayList<>();
        List<SocketChannel> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SocketChannel[] p = pair();
            Conn c = new Conn(p[1]);
            conns.add(c);
            clients.add(p[0]);
            assertTrue(set.arm(c));
        }
        AtomicInteger got = new AtomicInteger();
        List<CompletableFuture<Void>> waiters = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            waiters.add(CompletableFuture.runAsync(() -> {
                Epoll.Events events = set.events();
                while (got.get() < n) {
                    ReadySet.Waiting c = set.await(events, 100);
                    if (c != null) {
                        c.ready();
                        got.incrementAndGet();
                    }
                }
            }, r -> Thread.ofPlatform().start(r)));
        }
        for (SocketChannel client : clients) {
            send(client, "x");
        }
        CompletableFuture.allOf(waiters.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        for (Conn c : conns) {
            assertEquals(1, c.ready.get(), "every connection reported exactly once");
        }
    }

    @Test
    void aNudgeWakesAWaiterThatThenSeesNothing() throws Exception {
        Epoll.Events events = set.events();
        set.waiting(true);
        var waiter = CompletableFuture.supplyAsync(() -> set.await(events, 10_000), r -> Thread.ofPlatform().start(r));
        set.nudge();
        assertNull(waiter.get(5, TimeUnit.SECONDS), "returned well before its 10 s timeout, with no connection");
        set.waiting(false);
    }

    @Test
    void aForgottenConnectionIsNeverReported() throws IOException {
        SocketChannel[] p = pair();
        Conn conn = new Conn(p[1]);
        Epoll.Events events = set.events();
        assertTrue(set.arm(conn));
        assertTrue(set.forget(conn), "it was armed: the caller owns it now");
        assertFalse(set.forget(conn));
        send(p[0], "x");
        assertNull(set.await(events, 100));
        assertTrue(set.arm(conn), "registered again from scratch");
        assertSame(conn, set.await(events, 5000));
    }

    @Test
    void closingReleasesTheArmedConnectionsAndRefusesMore() throws IOException {
        SocketChannel[] p = pair();
        Conn armed = new Conn(p[1]);
        Conn taken = new Conn(pair()[1]);
        assertTrue(set.arm(armed));
        assertTrue(set.arm(taken));
        assertSame(taken, set.forget(taken) ? taken : null, "taken back by its owner before the close");
        set.close();
        assertEquals(1, armed.released.get());
        assertEquals(0, taken.released.get(), "a connection the set no longer holds is not released");
        assertFalse(set.arm(new Conn(pair()[1])));
        assertNull(set.await(set.events(), 0));
    }

    @Test
    void theWaiterOfAnAdoptedListeningSocketAcceptsOneConnectionPerReadiness() throws Exception {
        server.configureBlocking(false);
        List<SocketChannel> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        ReadySet.Adoption adoption = set.adopt(server, accepted::add);
        Epoll.Events events = set.events();
        assertNull(set.await(events, 0), "no client yet");
        SocketChannel a = SocketChannel.open(server.getLocalAddress());
        SocketChannel b = SocketChannel.open(server.getLocalAddress());
        open.add(a);
        open.add(b);
        for (int i = 0; i < 2; i++) {
            ReadySet.Waiting w = set.await(events, 5000);
            assertSame(adoption, w);
            w.ready(); // accepts one, arms the socket again
        }
        assertEquals(2, accepted.size());
        accepted.forEach(open::add);
        assertFalse(adoption.awaitEnd(0), "still adopted");
        adoption.end();
        assertTrue(adoption.awaitEnd(0));
        SocketChannel c = SocketChannel.open(server.getLocalAddress());
        open.add(c);
        assertNull(set.await(events, 100), "an ended adoption is not reported");
    }

    @Test
    void whileOtherConnectionsWaitACoreAcceptsThePendingOnesTogetherAndEachWaitsItsTurn() throws Exception {
        server.configureBlocking(false);
        List<SocketChannel> served = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<SocketChannel> waiting = new java.util.concurrent.CopyOnWriteArrayList<>();
        ReadySet.Adoption adoption = set.adopt(server, served::add, waiting::add);
        Epoll.Events events = set.events();
        List<SocketChannel> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) { // three new clients, pending in the backlog
            SocketChannel c = SocketChannel.open(server.getLocalAddress());
            open.add(c);
            clients.add(c);
        }
        awaitPending(3);
        ReadySet.Waiting w = set.await(events, 5000);
        assertSame(adoption, w);
        w.ready(); // nothing else armed: one connection, as before
        assertEquals(1, served.size());
        assertEquals(List.of(), waiting, "no other connection waits in the set: one connection per readiness");

        Conn kept = new Conn(pair()[1]); // a kept-alive connection, idle in the set
        assertTrue(set.arm(kept));
        SocketChannel d = SocketChannel.open(server.getLocalAddress()); // a fourth new client
        open.add(d);
        awaitPending(3);
        w = set.await(events, 5000);
        assertSame(adoption, w);
        w.ready();
        served.forEach(open::add);
        waiting.forEach(open::add);
        assertEquals(2, served.size(), "the first of the pending ones is served by the core that accepted it");
        assertEquals(2, waiting.size(), "the two behind it were accepted at once, each to wait for its own turn");
        assertEquals(3, served.size() + waiting.size() - 1, "four accepted in all, none twice");
        open.add(SocketChannel.open(server.getLocalAddress()));
        assertSame(adoption, set.await(events, 5000), "the socket is armed again for the next ones");
    }

    /** Waits until {@code n} connections are pending in the server's backlog (accepted by the kernel, not yet by us). */
    private void awaitPending(int n) throws Exception {
        int fd = org.uwsgi4j.kernel.os.ChannelFd.forClassOf(server).orElseThrow().of(server);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (org.uwsgi4j.kernel.os.ListenQueue.waiting(fd) < n) {
            assertTrue(System.nanoTime() < deadline, "the connections did not reach the backlog within 5 s");
            Thread.sleep(1);
        }
    }

    @Test
    void aSetThatIsOffTakesNothing() throws IOException {
        ReadySet off = ReadySet.off();
        assertFalse(off.isOpen());
        assertFalse(off.arm(new Conn(pair()[1])));
        off.nudge();
        off.close();
    }
}
