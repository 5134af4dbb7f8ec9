package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP socket on the real distribution with the echo runtime behind it: keep-alive,
 * pipelining, chunked and large bodies, HEAD, 100-continue, Connection: close, and garbage
 * answered with 400 while the server goes on serving.
 */
class HttpSocketIT {

    @TempDir
    static Path cwd;
    static UwsgiProcess server;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--http-socket-modifier1", "101", "--plugins", "echo");
        port = Integer.parseInt(server.awaitLine("uwsgi socket 0 bound to TCP address 127\\.0\\.0\\.1:(\\d+)", UwsgiProcess.START_TIMEOUT).group(1));
        server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
        try (var http = new RawHttp(port)) {
            for (String path : new String[] {"/one", "/two%20x?q=1"}) {
                var r = http.send("GET " + path + " HTTP/1.1\r\nHost: example.org\r\nUser-Agent: raw/1\r\n\r\n").read();
                assertEquals(200, r.status());
                assertTrue(r.text().contains("REQUEST_URI: " + path + "\n"), r.text());
            }
            var r = http.send("GET /three HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertTrue(r.text().contains("PATH_INFO: /three\n"), r.text());
            assertTrue(r.text().contains("HTTP_HOST: x\n"), r.text());
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (var http = new RawHttp(port)) {
            http.send("GET /p1 HTTP/1.1\r\nHost: x\r\n\r\nGET /p2 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /p3 HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbodyGET /p4 HTTP/1.1\r\nHost: x\r\n\r\n");
            for (String p : new String[] {"/p1", "/p2", "/p3", "/p4"}) {
                var r = http.read();
                assertEquals(200, r.status());
                assertTrue(r.text().contains("PATH_INFO: " + p + "\n"), p + " expected in:\n" + r.text());
                if (p.equals("/p3")) {
                    assertTrue(r.text().endsWith("\n\nbody"), r.text());
                }
            }
        }
    }

    @Test
    void chunkedRequestBodyIsDechunkedWithItsLength() throws Exception {
        try (var http = new RawHttp(port)) {
            var r = http.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n").read();
            assertEquals(200, r.status());
            assertTrue(r.text().endsWith("\n\nhello world"), r.text());
            assertTrue(r.text().contains("CONTENT_LENGTH: 11\n"), r.text());
            // and the connection is still good
            assertEquals(200, http.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
        }
    }

    @Test
    void aBareLfInChunkedFramingIs400AndThePipelinedRequestBehindItIsNotServed() throws Exception {
        // a lenient proxy may read this body with other boundaries: the request after it could be smuggled
        for (String body : new String[] {"5\nhello\r\n0\r\n\r\n", "5\r\nhello\n0\r\n\r\n", "5\r\nhello\r\n0\r\n\n"}) {
            String marker = "/smuggled-" + Integer.toHexString(body.hashCode());
            try (var http = new RawHttp(port)) {
                var r = http.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body
                        + "GET " + marker + " HTTP/1.1\r\nHost: x\r\n\r\n").read();
                assertEquals(400, r.status(), body);
                assertTrue(http.closedByServer(), "the connection is closed after the 400");
            }
            assertEquals(200, RawHttp.get(port, "/after").status(), "the server goes on");
            assertTrue(!server.output().contains(marker), "the request behind the body was not served:\n" + server.output());
        }
    }

    @Test
    void oneMebibyteBodyRoundTrip() throws Exception {
        byte[] body = new byte[1 << 20];
        new Random(42).nextBytes(body);
        try (var http = new RawHttp(port)) {
            var head = "PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n";
            var all = new ByteArrayOutputStream();
            all.write(head.getBytes(StandardCharsets.ISO_8859_1));
            all.write(body);
            var r = http.send(all.toByteArray()).read();
            assertEquals(200, r.status());
            byte[] echoed = Arrays.copyOfRange(r.body(), r.body().length - body.length, r.body().length);
            assertArrayEquals(body, echoed);
        }
    }

    @Test
    void headHasNoBodyAndExpectContinueGetsItsInterimResponse() throws Exception {
        try (var http = new RawHttp(port)) {
            var r = http.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
            assertEquals(200, r.status());
            assertEquals(0, r.body().length);
            http.send("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(100, http.read().status());
            var after = http.send("abc").read();
            assertEquals(200, after.status());
            assertTrue(after.text().endsWith("\n\nabc"), after.text());
        }
    }

    @Test
    void connectionCloseIsHonouredAndHttp10Closes() throws Exception {
        try (var http = new RawHttp(port)) {
            var r = http.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read();
            assertEquals("close", r.headers().get("connection"));
            assertTrue(http.closedByServer());
        }
        try (var http = new RawHttp(port)) {
            var r = http.send("GET / HTTP/1.0\r\n\r\n").read();
            assertEquals(200, r.status());
            assertTrue(r.text().contains("SERVER_PROTOCOL: HTTP/1.0\n"), r.text());
            assertTrue(http.closedByServer());
        }
    }

    @Test
    void garbageGets400AndTheServerKeepsServing() throws Exception {
        try (var http = new RawHttp(port)) {
            var r = http.send("\u0001\u0002 this is not HTTP at all\r\n\r\n").read();
            assertEquals(400, r.status());
            assertTrue(http.closedByServer());
        }
        try (var http = new RawHttp(port)) {
            assertEquals(200, http.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
        }
    }

    @Test
    void oversizedHeadIsRefusedCleanly() throws Exception {
        try (var http = new RawHttp(port)) {
            var r = http.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(8000) + "\r\n\r\n").read();
            assertTrue(r.status() == 431 || r.status() == 413 || r.status() == 400, "status " + r.status());
            assertTrue(http.closedByServer());
        }
        try (var http = new RawHttp(port)) {
            assertEquals(200, http.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
        }
    }
}
