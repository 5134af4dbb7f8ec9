package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that goes away in the middle of a response that never ends on its own (issues #5
 * and #6): the worker is told (docs/worker-protocol.md, GONE), stops iterating, the iterable's
 * close() runs, and the worker's only core (--processes 1 --threads 1) serves the next request;
 * the worker is neither killed nor respawned. Over HTTP, over the uwsgi protocol, and behind
 * Debian's real nginx ({@code uwsgi_pass}), both when a write to the client fails and when
 * nothing is being written and only the server's watch of the connection can see it close.
 */
class ClientGoneIT {

    private static final Path APPS = Path.of("src/test/resources/apps/python").toAbsolutePath();
    private static final Duration LOG_WAIT = Duration.ofSeconds(20);

    @TempDir
    Path cwd;

    private UwsgiProcess start(String socketOption) throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "gone.py", cwd);
        return UwsgiProcess.start(cwd, socketOption, "127.0.0.1:0", "--wsgi-file", app.toString(), "--master",
                "--processes", "1", "--threads", "1");
    }

    @Test
    void overHttpAnEndlessResponseStopsWhenItsClientGoes() throws Exception {
        try (var server = start("--http-socket")) {
            int port = server.httpPort();
            long pid = server.workerPid(1);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);

            // a write to the client fails: the client read a little and closed with more on its way
            Path endless = cwd.resolve("endless-closed");
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(("GET /endless?" + endless + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                assertEquals(20_000, s.getInputStream().readNBytes(20_000).length);
            }
            UwsgiProcess.awaitFile(endless);
            assertEquals("closed", Files.readString(endless));
            server.awaitLine("^uwsgi_response_write_body_do\\(\\): (Broken pipe|Connection reset by peer) during GET /endless\\?\\S+ \\(127\\.0\\.0\\.1\\)$", LOG_WAIT);
            server.awaitLine("^OSError: write error$", LOG_WAIT);
            server.awaitLine("\\] GET /endless\\?\\S+ => generated \\d+ bytes in \\d+ msecs \\(HTTP/1\\.1 200\\) 1 headers in \\d+ bytes", LOG_WAIT);
            assertEquals(String.valueOf(pid), RawHttp.get(port, "/pid").text(), "the same worker serves on");

            // nothing is written when the client hangs up: the connection's watch sees it
            Path quiet = cwd.resolve("quiet-closed");
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(("GET /quiet?" + quiet + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                readUntil(s.getInputStream(), "first\n");
            }
            UwsgiProcess.awaitFile(quiet);
            server.awaitLine("^the client closed the connection during GET /quiet\\?\\S+ \\(127\\.0\\.0\\.1\\)$", LOG_WAIT);
            assertEquals(String.valueOf(pid), RawHttp.get(port, "/pid").text());
            assertNoWorkerLost(server);
        }
    }

    @Test
    void overTheUwsgiProtocolAnEndlessResponseStopsWhenItsClientGoes() throws Exception {
        try (var server = start("--socket")) {
            int port = server.httpPort();
            long pid = server.workerPid(1);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);

            Path endless = cwd.resolve("endless-closed");
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(UwsgiRequest.packet(0, null, "/endless", endless.toString()));
                assertEquals(20_000, s.getInputStream().readNBytes(20_000).length);
            }
            UwsgiProcess.awaitFile(endless);
            server.awaitLine("^uwsgi_response_write_body_do\\(\\): (Broken pipe|Connection reset by peer) during GET /endless\\?\\S+ \\(127\\.0\\.0\\.1\\)$", LOG_WAIT);
            assertEquals(String.valueOf(pid), body(UwsgiRequest.get(port, "/pid")), "the same worker serves on");

            Path quiet = cwd.resolve("quiet-closed");
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(UwsgiRequest.packet(0, null, "/quiet", quiet.toString()));
                readUntil(s.getInputStream(), "first\n");
            }
            UwsgiProcess.awaitFile(quiet);
            server.awaitLine("^the client closed the connection during GET /quiet\\?\\S+ \\(127\\.0\\.0\\.1\\)$", LOG_WAIT);
            assertEquals(String.valueOf(pid), body(UwsgiRequest.get(port, "/pid")));
            assertNoWorkerLost(server);
        }
    }

    @Test
    void behindNginxAnEndlessResponseStopsWhenTheBrowserGoes() throws Exception {
        try (var server = start("--socket")) {
            int uwsgiPort = server.httpPort();
            long pid = server.workerPid(1);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            // as for event streams: nginx passes each chunk on as it comes
            try (var nginx = Nginx.start(cwd, uwsgiPort, "uwsgi_buffering off;")) {
                Path endless = cwd.resolve("endless-closed");
                try (Socket s = new Socket("127.0.0.1", nginx.port)) {
                    s.setSoTimeout(20_000);
                    s.getOutputStream().write(("GET /endless?" + endless + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    assertEquals(20_000, s.getInputStream().readNBytes(20_000).length);
                }
                UwsgiProcess.awaitFile(endless);

                // nginx closes its connection to uwsgi4j when its client hangs up: the watch sees it
                Path quiet = cwd.resolve("quiet-closed");
                try (Socket s = new Socket("127.0.0.1", nginx.port)) {
                    s.setSoTimeout(20_000);
                    s.getOutputStream().write(("GET /quiet?" + quiet + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    readUntil(s.getInputStream(), "first\n");
                }
                UwsgiProcess.awaitFile(quiet);
                assertEquals(String.valueOf(pid), RawHttp.get(nginx.port, "/pid").text(), nginx.output());
            }
            assertNoWorkerLost(server);
        }
    }

    private static void assertNoWorkerLost(UwsgiProcess server) {
        String out = server.output();
        for (String line : new String[] {"DAMN ! worker", "Respawned uWSGI worker", "HARAKIRI"}) {
            assertFalse(out.contains(line), "no '" + line + "':\n" + out);
        }
    }

    /** Reads until {@code text} has been seen (a chunk of the response), within the socket's timeout. */
    private static void readUntil(InputStream in, String text) throws IOException {
        var seen = new StringBuilder();
        for (int c; !seen.toString().endsWith(text) && (c = in.read()) >= 0; ) {
            seen.append((char) c);
        }
        assertTrue(seen.toString().endsWith(text), seen.toString());
    }

    private static String body(String response) {
        assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
        return UwsgiRequest.body(response);
    }
}
