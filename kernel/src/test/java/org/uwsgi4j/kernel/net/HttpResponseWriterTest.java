package org.uwsgi4j.kernel.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpResponseWriterTest {

    /** A channel that records bytes and the number of write calls. */
    static final class Recorder implements GatheringByteChannel {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int writes;

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            writes++;
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                while (srcs[i].hasRemaining()) {
                    bytes.write(srcs[i].get());
                    n++;
                }
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) {
            return (int) write(new ByteBuffer[] {src});
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }

        String text() {
            return bytes.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static final List<Map.Entry<String, String>> PLAIN = List.of(Map.entry("Content-Type", "text/plain"));

    @Test
    void knownLengthGoesOutInOneWriteAndKeepsTheConnection() throws Exception {
        var ch = new Recorder();
        var w = new HttpResponseWriter(ch, "HTTP/1.1", true, false, false);
        w.start("200 OK", List.of(Map.entry("Content-Type", "text/plain"), Map.entry("Content-Length", "5")));
        w.body().write("hello".getBytes(StandardCharsets.ISO_8859_1));
        w.finish();
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello", ch.text());
        assertEquals(1, ch.writes);
        assertTrue(w.keepAlive());
        assertEquals(200, w.status());
        assertEquals(5, w.bodyBytes());
        assertEquals(2, w.headerCount());
        assertEquals("Content-Type: text/plain\r\nContent-Length: 5\r\n".length(), w.headerBytes());
    }

    @Test
    void addedHeadersFollowTheRuntimesAndAreCounted() throws Exception {
        var ch = new Recorder();
        var added = AddedHeaders.fromOptions(org.uwsgi4j.kernel.log.TestOptions.of("add-header", "X-A: one", "add-header", "X-B:two"));
        var w = new HttpResponseWriter(ch, "HTTP/1.1", true, false, false, added);
        w.start("200 OK", List.of(Map.entry("X-A", "app"), Map.entry("Content-Length", "2")));
        w.body().write("hi".getBytes(StandardCharsets.ISO_8859_1));
        w.finish();
        assertEquals("HTTP/1.1 200 OK\r\nX-A: app\r\nContent-Length: 2\r\nX-A: one\r\nX-B: two\r\n\r\nhi", ch.text());
        assertEquals(4, w.headerCount());
        assertEquals(ch.text().length() - 2, w.headBytes());
    }

    @Test
    void anAddedHeaderMustBeAHeaderLine() {
        for (String bad : new String[] {"NoColon", ": empty name", "Bad Name: x", "X-A: a\nb"}) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> AddedHeaders.fromOptions(org.uwsgi4j.kernel.log.TestOptions.of("add-header", bad)));
            assertTrue(e.getMessage().startsWith("add-header \""), e.getMessage());
        }
        assertEquals(AddedHeaders.NONE, AddedHeaders.fromOptions(org.uwsgi4j.kernel.log.TestOptions.of()));
    }

    @Test
    void unknownLengthOnHttp11IsChunked() throws Exception {
        var ch = new Recorder();
        var w = new HttpResponseWriter(ch, "HTTP/1.1", true, false, false);
        w.start("200 OK", PLAIN);
        w.body().write("ab".getBytes(StandardCharsets.ISO_8859_1));
        w.body().write("cdefghijklmnopq".getBytes(StandardCharsets.ISO_8859_1));
        w.finish();
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "2\r\nab\r\nf\r\ncdefghijklmnopq\r\n0\r\n\r\n", ch.text());
        assertTrue(w.keepAlive());
    }

    @Test
    void unknownLengthOnHttp10ClosesTheConnection() throws Exception {
        var ch = new Recorder();
        var w = new HttpResponseWriter(ch, "HTTP/1.0", true, false, false);
        w.start("200 OK", PLAIN);
        w.body().write('x');
        w.finish();
        assertEquals("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nx", ch.text());
        assertFalse(w.keepAlive());
    }

    @Test
    void http10KeepAliveIsAnnouncedWhenTheLengthIsKnown() throws Exception {
        var ch = new Recorder();
        var w = new HttpResponseWriter(ch, "HTTP/1.0", true, false, false);
        w.start("204 No Content", List.of());
        w.finish();
        assertEquals("HTTP/1.0 204 No Content\r\nConnection: keep-alive\r\n\r\n", ch.text());
    }

    @Test
    void headDropsTheBodyButKeepsTheLength() throws Exception {
        var ch = new Recorder();
        var w = new HttpResponseWriter(ch, "HTTP/1.1", true, true, false);
        w.start("200 OK", List.of(Map.entry("Content-Length", "5")));
        w.body().write("hello".getBytes(StandardCharsets.ISO_8859_1));
        w.finish();
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", ch.text());
        assertTrue(w.keepAlive());
    }

    @Test
    void hopByHopHeadersFromTheRuntimeAreDroppedAndCloseIsHonoured() throws Exception {
        var ch = new Recorder();
        var w = new HttpResponseWriter(ch, "HTTP/1.1", true, false, false);
        w.start("200 OK", List.of(Map.entry("Connection", "close"), Map.entry("Transfer-Encoding", "chunked"),
                Map.entry("Content-Length", "1")));
        w.body().write('x');
        w.finish();
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx", ch.text());
        assertFalse(w.keepAlive());
    }

    @Test
    void bodyBeyondContentLengthIsCutAndShortBodyClosesTheConnection() throws Exception {
        var ch = new Recorder();
        var w = new HttpResponseWriter(ch, "HTTP/1.1", true, false, false);
        w.start("200 OK", List.of(Map.entry("Content-Length", "3")));
        w.body().write("abcdef".getBytes(StandardCharsets.ISO_8859_1));
        w.finish();
        assertTrue(ch.text().endsWith("\r\n\r\nabc"), ch.text());
        assertTrue(w.keepAlive());

        var ch2 = new Recorder();
        var short_ = new HttpResponseWriter(ch2, "HTTP/1.1", true, false, false);
        short_.start("200 OK", List.of(Map.entry("Content-Length", "3")));
        short_.body().write('a');
        short_.finish();
        assertFalse(short_.keepAlive());
    }

    @Test
    void uwsgiConnectionsGetRawCloseDelimitedHttp() throws Exception {
        var ch = new Recorder();
        var w = new HttpResponseWriter(ch, "HTTP/1.1", true, false, true);
        w.start("404 Not Found", PLAIN);
        w.body().write("nope".getBytes(StandardCharsets.ISO_8859_1));
        w.finish();
        assertEquals("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\nnope", ch.text());
        assertFalse(w.keepAlive());
    }

    /**
     * A response that ends its connection sends FIN at once (shutdownOutput), unless the caller
     * closes right after on the same thread (closeFollowsFinish): then only the close sends it.
     */
    @Test
    void aClosingResponseShutsTheOutputDownUnlessTheCloseFollowsAtOnce() throws Exception {
        for (boolean closeFollows : new boolean[] {false, true}) {
            try (var server = java.nio.channels.ServerSocketChannel.open()
                    .bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
                 var client = java.nio.channels.SocketChannel.open(server.getLocalAddress());
                 var accepted = server.accept()) {
                var w = new HttpResponseWriter(accepted, "HTTP/1.1", false, false, false);
                if (closeFollows) {
                    w.closeFollowsFinish();
                }
                w.start("200 OK", List.of(Map.entry("Content-Length", "2")));
                w.body().write("ok".getBytes(StandardCharsets.ISO_8859_1));
                w.finish();
                String expected = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
                ByteBuffer in = ByteBuffer.allocate(256);
                while (in.position() < expected.length()) {
                    if (client.read(in) < 0) {
                        break;
                    }
                }
                assertEquals(expected, new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1));
                client.configureBlocking(false);
                // loopback: a FIN sent by finish() is in the client's socket when finish() returns
                assertEquals(closeFollows ? 0 : -1, client.read(in.clear()),
                        closeFollows ? "no FIN before the caller's close" : "FIN right after the last byte");
                if (closeFollows) {
                    accepted.close();
                    client.configureBlocking(true);
                    assertEquals(-1, client.read(in.clear()), "the close sends the FIN");
                }
            }
        }
    }
}
