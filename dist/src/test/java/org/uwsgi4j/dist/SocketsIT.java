package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Socket forms and limits on the real distribution: Unix and IPv6 sockets, the uwsgi-protocol
 * warnings and refusals, ping, the socket timeout, a full queue (backpressure), --logto.
 */
class SocketsIT {

    @TempDir
    Path cwd;

    private static int port(UwsgiProcess server, int index) throws InterruptedException {
        return Integer.parseInt(server.awaitLine("uwsgi socket " + index + " bound to TCP address [^ ]*:(\\d+)",
                UwsgiProcess.START_TIMEOUT).group(1));
    }

    @Test
    void noSocketEndsTheStartAsInUwsgiUnlessTheInstanceIsSocketlessOnPurpose() throws Exception {
        var none = UwsgiProcess.run(cwd, "--master", "--processes", "2");
        assertEquals(1, none.exitCode(), none.output());
        assertTrue(none.output().contains("The -s/--socket option is missing and stdin is not a socket."), none.output());
        // an ini whose only section header is malformed: its socket is never read, and the start says why
        Files.writeString(cwd.resolve("app.ini"), "[uwsgi\nhttp-socket = 127.0.0.1:0\n");
        var malformed = UwsgiProcess.run(cwd, "--ini", "app.ini");
        assertEquals(1, malformed.exitCode(), malformed.output());
        assertTrue(malformed.output().contains("app.ini has no [uwsgi] section (app.ini:1: malformed section header '[uwsgi'"),
                malformed.output());
        try (var socketless = UwsgiProcess.start(cwd, "--no-server")) {
            socketless.awaitLine("no socket given \\(--socket, --http-socket\\): serving nothing but the shell", UwsgiProcess.START_TIMEOUT);
            assertTrue(socketless.isAlive());
        }
    }

    @Test
    void unixHttpSocketWithChmodAndIpv6() throws Exception {
        Path sock = cwd.resolve("http.sock");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", sock.toString(), "--chmod-socket=660",
                "--http-socket", "[::1]:0", "--http-socket-modifier1", "101", "--plugins", "echo")) {
            server.awaitLine("uwsgi socket 0 bound to UNIX address " + sock, UwsgiProcess.START_TIMEOUT);
            int v6 = port(server, 1);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(sock));
                ch.write(ByteBuffer.wrap("GET /unix HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
                String answer = new String(readAll(ch), StandardCharsets.ISO_8859_1);
                assertTrue(answer.startsWith("HTTP/1.0 200 OK"), answer);
                assertTrue(answer.contains("PATH_INFO: /unix\n"), answer);
            }
            try (Socket s = new Socket("::1", v6)) {
                s.getOutputStream().write("GET /six HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(answer.contains("REMOTE_ADDR: 0:0:0:0:0:0:0:1\n") || answer.contains("REMOTE_ADDR: ::1\n"), answer);
            }
        }
    }

    private static byte[] readAll(SocketChannel ch) throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(8192);
        while (ch.read(b) >= 0) {
            out.write(b.array(), 0, b.position());
            b.clear();
        }
        return out.toByteArray();
    }

    @Test
    void uwsgiSocketWarnsOnEveryInterfaceRefusesHttpAndAnswersPing() throws Exception {
        try (var server = UwsgiProcess.start(cwd, "--socket", ":0", "--plugins", "echo")) {
            int port = port(server, 0);
            server.awaitLine("WARNING: the uwsgi protocol socket :\\d+ listens on every interface", UwsgiProcess.START_TIMEOUT);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);

            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertEquals(-1, s.getInputStream().read());
            }
            server.awaitLine("^invalid request block size: 21573 \\(max 4096\\)\\.\\.\\.skip$", Duration.ofSeconds(5));
            server.awaitLine("21573 as block size usually means a client is speaking HTTP", Duration.ofSeconds(5));

            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write(new byte[] {100, 0, 0, 0});
                byte[] pong = s.getInputStream().readAllBytes();
                assertEquals(4, pong.length);
                assertEquals(100, pong[0]);
                assertEquals(1, pong[3]);
            }
            server.awaitLine("^PING$", Duration.ofSeconds(5));
        }
    }

    @Test
    void slowClientIsCutBySocketTimeoutAndOthersAreServed() throws Exception {
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--socket-timeout", "1",
                "--http-socket-modifier1", "101", "--plugins", "echo")) {
            int port = port(server, 0);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            try (Socket slow = new Socket("127.0.0.1", port)) {
                slow.setSoTimeout(20_000);
                slow.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
                try (var http = new RawHttp(port)) {
                    assertEquals(200, http.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
                }
                assertEquals(-1, slow.getInputStream().read(), "the server closes the slow connection");
            }
            server.awaitLine("socket-timeout: closed the connection from 127\\.0\\.0\\.1:\\d+ after 1 s", Duration.ofSeconds(5));
        }
    }

    /**
     * Every core busy and --listen requests waiting: the server stops accepting, the next client
     * waits in the socket's backlog (uWSGI's line and the stats say so), and is served, not
     * refused, once a core frees up.
     */
    @Test
    void aFullQueueHoldsNewClientsInTheBacklogAndServesThemLater() throws Exception {
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--listen", "1", "--socket-timeout", "60",
                "--stats", "127.0.0.1:0", "--http-socket-modifier1", "101", "--plugins", "echo", "--auto-post-buffering", "0")) {
            int port = port(server, 0);
            int stats = Integer.parseInt(server.awaitLine("Stats server enabled on 127\\.0\\.0\\.1:(\\d+)", UwsgiProcess.START_TIMEOUT).group(1));
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            try (Socket busy = new Socket("127.0.0.1", port); var queued = new RawHttp(port)) {
                OutputStream out = busy.getOutputStream();
                // the only core reads this streamed body, which does not come yet: the core is busy
                out.write("POST /busy HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                awaitStats(stats, "\"status\":\"busy\"");
                queued.send("GET /queued HTTP/1.1\r\nHost: x\r\n\r\n");
                awaitStats(stats, "\"request_queue\":1,");
                try (var waiting = new RawHttp(port)) {
                    waiting.send("GET /waiting HTTP/1.1\r\nHost: x\r\n\r\n");
                    awaitStats(stats, "\"listen_queue\":1,");
                    server.awaitLine("\\*\\*\\* uWSGI listen queue of socket \"127\\.0\\.0\\.1:\\d+\" \\(fd: \\d+\\) full !!! \\(1/1\\) \\*\\*\\*",
                            Duration.ofSeconds(10));
                    out.write("cd".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    InputStream in = busy.getInputStream();
                    assertEquals("HTTP/1.1 200 OK", new String(in.readNBytes(15), StandardCharsets.ISO_8859_1));
                    assertEquals(200, queued.read().status());
                    assertEquals(200, waiting.read().status(), "the client that waited in the backlog");
                }
            }
            assertFalse(server.output().contains(" 503 "), server.output());
        }
    }

    /** Polls the minified-or-not stats document until it contains {@code fragment} (spaces removed). */
    private static void awaitStats(int port, String fragment) throws Exception {
        String doc = "";
        for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); ; ) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                doc = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replaceAll("\\s", "");
            }
            if (doc.contains(fragment)) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "stats never showed " + fragment + ":\n" + doc);
            Thread.sleep(20); // polling the stats server, bounded by the deadline
        }
    }

    @Test
    void logtoWritesTheLogToAFile() throws Exception {
        Path log = cwd.resolve("server.log");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--logto", log.toString(),
                "--shell-socket", cwd.resolve("shell.sock").toString())) {
            boolean ready = false;
            for (long deadline = System.nanoTime() + UwsgiProcess.START_TIMEOUT.toNanos(); !ready; ) {
                String text = Files.exists(log) ? Files.readString(log) : "";
                ready = text.contains("shell: Gogo shell bound on " + cwd.resolve("shell.sock")) && text.contains("uwsgi4j is ready");
                assertTrue(System.nanoTime() < deadline, "no ready line in the --logto file:\n" + text);
                Thread.sleep(50); // polling the file, bounded by the deadline
            }
            String text = Files.readString(log);
            assertTrue(text.contains("*** Starting uwsgi4j"), text);
            // the start's date as uWSGI's banner writes it: ctime(3), the day of the month space-padded
            assertTrue(java.util.regex.Pattern.compile("\\*\\*\\* Starting uwsgi4j \\S+ \\(Java \\d+\\) on "
                    + "\\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123]\\d "
                    + "\\d\\d:\\d\\d:\\d\\d \\d{4}\\] \\*\\*\\*").matcher(text).find(), text);
            assertTrue(text.contains("uwsgi socket 0 bound to TCP address 127.0.0.1:"), text);
            // uWSGI's mode for a log file it creates: 0640, nobody else writes or reads it
            assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
            assertTrue(server.isAlive());
        }
    }

    @Test
    void postBufferingSpoolsTheBodyAndLogFormatShapesTheRequestLine() throws Exception {
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--post-buffering", "4",
                "--log-format", "custom %(method) %(uri) %(status) %(size) cl=%(cl)", "--http-socket-modifier1", "101", "--plugins", "echo")) {
            int port = port(server, 0);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            byte[] body = new byte[200_000];
            new java.util.Random(7).nextBytes(body);
            try (var http = new RawHttp(port)) {
                var head = ("PUT /spooled HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
                var all = new java.io.ByteArrayOutputStream();
                all.write(head);
                all.write(body);
                var r = http.send(all.toByteArray()).read();
                assertEquals(200, r.status());
                byte[] echoed = java.util.Arrays.copyOfRange(r.body(), r.body().length - body.length, r.body().length);
                org.junit.jupiter.api.Assertions.assertArrayEquals(body, echoed);
                // %(size) is what uWSGI counts: the head as the app gave it plus the body
                server.awaitLine("^custom PUT /spooled 200 " + (r.body().length + 89) + " cl=" + body.length + "$", Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void anAddressInUseIsOneLineAndExit1() throws Exception {
        try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            for (String[] args : new String[][] {{"--http-socket", address}, {"--http-socket", "127.0.0.1:0", "--stats", address}}) {
                var result = UwsgiProcess.run(cwd, args);
                assertEquals(1, result.exitCode(), result.output());
                String last = result.lines().getLast();
                assertTrue(last.contains("bind(): Address already in use [" + address + "]"), last);
                assertTrue(result.lines().stream().noneMatch(l -> l.startsWith("\tat ")), "no stack trace:\n" + result.output());
            }
        }
    }
}
