package org.uwsgi4j.kernel.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A hang (a writer blocked by a client or subscriber) fails the test instead of stalling the build. */
@Timeout(60)
class StatsServerTest {

    private static final StatsServer.Settings PLAIN = new StatsServer.Settings(false, false, Duration.ofSeconds(10));
    private static final StatsServer.Settings HTTP = new StatsServer.Settings(true, false, Duration.ofSeconds(10));

    @TempDir
    Path dir;

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String fetchTcp(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return readAll(s.getInputStream());
        }
    }

    private static int port(StatsServer server) throws IOException {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Test
    void tcpClientGetsTheDocumentThenEof() throws IOException {
        var calls = new AtomicInteger();
        try (var server = StatsServer.start("127.0.0.1:0", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                () -> {
                    calls.incrementAndGet();
                    return Snapshots.idle();
                }, PLAIN)) {
            int port = port(server);
            assertTrue(port > 0);
            assertEquals("127.0.0.1:" + port, server.name());
            assertEquals(StatsJson.write(Snapshots.idle(), false), fetchTcp(port));
            assertEquals(StatsJson.write(Snapshots.idle(), false), fetchTcp(port));
            assertEquals(2, calls.get());
        }
    }

    @Test
    void nameKeepsTheUsersHostSpellingWithTheBoundPort() throws IOException {
        try (var server = StatsServer.start(":0", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Snapshots::idle, PLAIN)) {
            assertEquals(":" + port(server), server.name());
        }
    }

    @Test
    void ipv6Loopback() throws IOException {
        InetAddress v6 = InetAddress.getByName("::1");
        try (var server = StatsServer.start("[::1]:0", new InetSocketAddress(v6, 0), Snapshots::idle, PLAIN)) {
            int port = port(server);
            assertEquals("[::1]:" + port, server.name());
            try (Socket s = new Socket(v6, port)) {
                assertEquals(StatsJson.write(Snapshots.idle(), false), readAll(s.getInputStream()));
            }
        }
    }

    @Test
    void unixSocketReplacesAStaleSocketAndIsRemovedOnClose() throws IOException {
        Path path = dir.resolve("stats.sock");
        try (var stale = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(path));
        }
        assertTrue(Files.exists(path), "a stale socket file is left behind");
        var server = StatsServer.start(path.toString(), UnixDomainSocketAddress.of(path), Snapshots::busy, PLAIN);
        try {
            assertEquals(path.toString(), server.name());
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                assertEquals(StatsJson.write(Snapshots.busy(), false), readAll(Channels.newInputStream(c)));
            }
        } finally {
            server.close();
        }
        assertFalse(Files.exists(path));
    }

    @Test
    void aRegularFileInTheWayIsNotDeleted() throws IOException {
        Path path = dir.resolve("precious.txt");
        Files.writeString(path, "data");
        assertThrows(IOException.class, () -> StatsServer.start(path.toString(), UnixDomainSocketAddress.of(path), Snapshots::idle, PLAIN));
        assertEquals("data", Files.readString(path));
    }

    @Test
    void statsHttpAnswersWithUwsgisHeaders() throws Exception {
        try (var server = StatsServer.start("127.0.0.1:0", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Snapshots::busy, HTTP);
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            var response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(server) + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("*", response.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            assertEquals(StatsJson.write(Snapshots.busy(), false), response.body());
        }
    }

    @Test
    void statsHttpRawResponseIsByteForByteUwsgis() throws IOException {
        try (var server = StatsServer.start("127.0.0.1:0", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Snapshots::busy, HTTP);
             Socket s = new Socket(InetAddress.getLoopbackAddress(), port(server))) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String raw = readAll(s.getInputStream());
            int body = raw.indexOf("\r\n\r\n") + 4;
            assertEquals(StatsJsonTest.resource("uwsgi-2.0.21-stats-http-busy.txt"),
                    raw.substring(0, body) + StatsJsonTest.uwsgisPart(raw.substring(body)));
        }
    }

    @Test
    void aSilentHttpClientNeitherBlocksOthersNorStaysForever() throws IOException {
        var settings = new StatsServer.Settings(true, true, Duration.ofMillis(300));
        try (var server = StatsServer.start("127.0.0.1:0", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Snapshots::idle, settings);
             Socket silent = new Socket(InetAddress.getLoopbackAddress(), port(server))) {
            // while the silent client holds its connection, another one is served
            try (Socket other = new Socket(InetAddress.getLoopbackAddress(), port(server))) {
                other.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String response = readAll(other.getInputStream());
                assertTrue(response.startsWith(StatsServer.HTTP_HEAD + "{\"version\":"), response);
            }
            // and the silent one is cut after the timeout: EOF, no document
            silent.setSoTimeout(10_000);
            assertEquals("", readAll(silent.getInputStream()));
        }
    }

    @Test
    void aClientThatNeverReadsDoesNotBlockOthers() throws IOException {
        // a document far bigger than the socket buffers, and a client that never reads it
        var big = Snapshots.busy();
        var workers = new java.util.ArrayList<StatsSnapshot.Worker>();
        for (int i = 0; i < 2000; i++) {
            workers.add(big.workers().get(1));
        }
        var huge = new StatsSnapshot(big.version(), 0, 0, 0, 0, 1, 0, 0, "/", big.locks(), big.sockets(), workers, 0);
        var settings = new StatsServer.Settings(false, false, Duration.ofSeconds(30));
        try (var server = StatsServer.start("127.0.0.1:0", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), () -> huge, settings);
             SocketChannel stuck = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port(server)))) {
            stuck.read(ByteBuffer.allocate(1)); // the server has started writing to it
            assertEquals(StatsJson.write(huge, false).length(), fetchTcp(port(server)).length());
        }
    }

    @Test
    void aFailingSnapshotClosesTheConnectionAndTheServerGoesOn() throws IOException {
        var calls = new AtomicInteger();
        try (var server = StatsServer.start("127.0.0.1:0", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("master not ready");
            }
            return Snapshots.idle();
        }, PLAIN)) {
            assertEquals("", fetchTcp(port(server)));
            assertEquals(StatsJson.write(Snapshots.idle(), false), fetchTcp(port(server)));
        }
    }

    @Test
    void closeStopsAccepting() throws IOException {
        var server = StatsServer.start("127.0.0.1:0", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Snapshots::idle, PLAIN);
        int port = port(server);
        server.close();
        assertThrows(IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    }

    @Test
    void settingsFromOptions() {
        var s = StatsServer.Settings.fromOptions(org.uwsgi4j.kernel.log.TestOptions.of("stats-http", "true", "socket-timeout", "7"));
        assertEquals(new StatsServer.Settings(true, false, Duration.ofSeconds(7)), s);
        assertEquals(new StatsServer.Settings(false, true, Duration.ofSeconds(4)),
                StatsServer.Settings.fromOptions(org.uwsgi4j.kernel.log.TestOptions.of("stats-minified", "true")));
    }
}
