package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Socket options that had no test (issue 23 item 8): --reuse-port, --umask, --chown-socket,
 * --runtime-dir and --so-keepalive, each seen from outside the server (the kernel's socket
 * table, the file system), on the real distribution.
 */
class SocketOptionsIT {

    private static final Path APPS = Path.of("src/test/resources/apps").toAbsolutePath();

    @TempDir
    Path cwd;

    private Path hello() throws IOException {
        return UwsgiProcess.copyApp(APPS, "memory.py", cwd);
    }

    @Test
    void reusePortLetsASecondInstanceBindTheSamePortAndWithoutItTheSecondFails() throws Exception {
        Path app = hello();
        try (var first = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(), "--reuse-port")) {
            int port = first.httpPort();
            first.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            try (var second = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:" + port, "--wsgi-file", app.toString(),
                    "--reuse-port")) {
                second.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
                assertTrue(second.isAlive());
            }
            var refused = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:" + port, "--wsgi-file", app.toString());
            assertEquals(1, refused.exitCode(), refused.output());
            assertTrue(refused.output().contains("bind(): "), refused.output());
        }
    }

    @Test
    void umaskAndChownSocketSetTheUnixSocketsModeAndOwner() throws Exception {
        Path app = hello();
        Path sock = cwd.resolve("app.sock");
        try (var server = UwsgiProcess.start(cwd, "--socket", sock.toString(), "--wsgi-file", app.toString(),
                "--umask", "077", "--chown-socket", "nobody:nogroup")) {
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            PosixFileAttributes attrs = Files.readAttributes(sock, PosixFileAttributes.class);
            assertEquals("rwx------", PosixFilePermissions.toString(attrs.permissions()), "umask 077 on the socket file");
            assertEquals("nobody", attrs.owner().getName());
            assertEquals("nogroup", attrs.group().getName());
        }
    }

    @Test
    void runtimeDirHoldsTheWorkerSocketsPrivatelyAndIsEmptiedAtExit() throws Exception {
        Path app = hello();
        Path run = Files.createDirectory(cwd.resolve("run")); // the user's directory: made private, emptied at exit, kept
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--runtime-dir", run.toString())) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            assertEquals(200, RawHttp.get(port, "/").status());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(run)));
            try (var entries = Files.walk(run)) {
                assertTrue(entries.anyMatch(p -> p.getFileName().toString().endsWith(".sock")),
                        "the worker sockets are in --runtime-dir");
            }
            new ProcessBuilder("kill", "-TERM", String.valueOf(server.pid())).start().waitFor();
            assertEquals(0, server.awaitExit(Duration.ofSeconds(30)));
        }
        try (var entries = Files.list(run)) {
            assertEquals(0, entries.count(), "emptied at exit");
        }
    }

    @Test
    void soKeepaliveTurnsOnTcpKeepaliveOnClientConnectionsOnlyWhenGiven() throws Exception {
        Path app = hello();
        try (var with = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(), "--so-keepalive");
             var without = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString())) {
            int on = with.httpPort();
            int off = without.httpPort();
            with.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            without.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            assertEquals("02", serverSideTimer(on), "the keepalive timer runs on the server's side");
            assertEquals("00", serverSideTimer(off), "no timer without --so-keepalive");
        }
    }

    @Test
    void tcpSocketsDeferAcceptUntilTheClientSendsUnlessNoDeferAccept() throws Exception {
        Path app = hello();
        try (var deferred = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString());
             var plain = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(), "--no-defer-accept")) {
            deferred.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            plain.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            try (Socket silent = new Socket(); Socket silentToo = new Socket()) {
                silent.connect(new InetSocketAddress("127.0.0.1", deferred.httpPort()));
                silentToo.connect(new InetSocketAddress("127.0.0.1", plain.httpPort()));
                assertEquals("03", serverSideState(deferred.httpPort(), silent.getLocalPort()),
                        "a client that has sent nothing waits in SYN_RECV, not accepted (TCP_DEFER_ACCEPT)");
                assertEquals("01", serverSideState(plain.httpPort(), silentToo.getLocalPort()),
                        "--no-defer-accept: established at once");
                silent.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                String head = new String(silent.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
                assertEquals("HTTP/1.0 200", head, "served once it sends");
            }
        }
    }

    /** The state (/proc/net/tcp's "st") of the server's side of the connection from {@code clientPort} to {@code port}, once it shows. */
    private static String serverSideState(int port, int clientPort) throws Exception {
        String local = String.format(":%04X", port);
        String remote = String.format(":%04X", clientPort);
        for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); System.nanoTime() < deadline; Thread.sleep(20)) {
            for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
                String[] f = line.strip().split("\\s+");
                if (f.length > 5 && f[1].endsWith(local) && f[2].endsWith(remote)) {
                    return f[3];
                }
            }
        }
        throw new AssertionError("no server-side row for port " + port + " from " + clientPort + " in /proc/net/tcp");
    }

    /**
     * The timer kind (/proc/net/tcp's "tr": 00 none, 02 keepalive) of the server's side of an idle
     * kept-alive connection to {@code port}, after one request served on it.
     */
    private static String serverSideTimer(int port) throws Exception {
        try (Socket client = new Socket()) {
            client.connect(new InetSocketAddress("127.0.0.1", port));
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(client.getInputStream().read(new byte[4096]) > 0);
            String local = String.format(":%04X", port);
            String remote = String.format(":%04X", client.getLocalPort());
            for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
                String[] f = line.strip().split("\\s+");
                if (f.length > 5 && f[1].endsWith(local) && f[2].endsWith(remote) && f[3].equals("01")) {
                    return f[5].substring(0, 2);
                }
            }
            throw new AssertionError("no established server-side row for port " + port + " in /proc/net/tcp");
        }
    }
}
