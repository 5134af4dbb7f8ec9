package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP router ({@code --http}) in embedded mode in front of two CPython workers: the
 * variables the app sees (as real uWSGI's router gives them), two binds, {@code --http-var},
 * keep-alive with {@code --http-auto-chunked}, slow uploaders that hold no worker, {@code --http-auto-gzip} decoded by curl, a
 * worker dying mid-response and {@code --http-timeout}'s 504.
 */
class HttpRouterIT {

    private static final Path APPS = Path.of("src/test/resources/apps/python").toAbsolutePath();

    @TempDir
    static Path cwd;
    static UwsgiProcess server;
    static int port;
    static int second;
    static int statsPort;
    static int kernelStatsPort;

    @BeforeAll
    static void start() throws Exception {
        UwsgiProcess.copyApp(APPS, "router.py", cwd);
        java.nio.file.Files.createDirectories(cwd.resolve("files"));
        java.nio.file.Files.write(cwd.resolve("files/big.bin"), pattern(5 << 20));
        server = UwsgiProcess.start(cwd, "--http", "127.0.0.1:0", "--http", "127.0.0.1:0", "--wsgi-file", "router.py",
                "--master", "--processes", "2", "--http-var", "X_ROUTED=yes", "--http-var", "X_TWO=a=b",
                "--http-auto-chunked", "--http-auto-gzip", "--http-timeout", "2",
                "--auto-post-buffering", "0", "--http-stats", "127.0.0.1:0", "--stats", "127.0.0.1:0",
                "--static-map", "/files=" + cwd.resolve("files")); // the kernel streams bodies to the workers: only the router's buffering shields them
        var first = server.awaitLine("uWSGI http bound on 127\\.0\\.0\\.1:(\\d+)", UwsgiProcess.START_TIMEOUT);
        port = Integer.parseInt(first.group(1));
        second = Integer.parseInt(server.awaitLine("uWSGI http bound on 127\\.0\\.0\\.1:(?!" + port + "\\b)(\\d+)",
                UwsgiProcess.START_TIMEOUT).group(1));
        statsPort = Integer.parseInt(server.awaitLine("\\*\\*\\* http stats server enabled on 127\\.0\\.0\\.1:(\\d+) \\*\\*\\*",
                UwsgiProcess.START_TIMEOUT).group(1));
        kernelStatsPort = Integer.parseInt(server.awaitLine("\\*\\*\\* Stats server enabled on 127\\.0\\.0\\.1:(\\d+) \\*\\*\\*",
                UwsgiProcess.START_TIMEOUT).group(1));
        server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void theAppSeesTheVariablesUwsgisRouterGives() throws Exception {
        try (var http = new RawHttp(port)) {
            var r = http.send("GET /env?a=1 HTTP/1.1\r\nHost: example.org\r\nX-Forwarded-For: 10.1.2.3\r\n\r\n").read();
            assertEquals(200, r.status());
            String env = r.text();
            for (String line : new String[] {"REQUEST_METHOD=GET", "REQUEST_URI=/env?a=1", "PATH_INFO=/env", "QUERY_STRING=a=1",
                    "SERVER_PROTOCOL=HTTP/1.1", "SERVER_PORT=" + port, "REMOTE_ADDR=127.0.0.1", "HTTP_HOST=example.org",
                    "HTTP_X_FORWARDED_FOR=10.1.2.3", "UWSGI_ROUTER=http", "X_ROUTED=yes", "X_TWO=a=b"}) {
                assertTrue(env.contains("\n" + line + "\n") || env.startsWith(line + "\n"), line + " expected in:\n" + env);
            }
            assertEquals(200, http.send("GET /env HTTP/1.1\r\nHost: x\r\n\r\n").read().status(), "kept alive");
        }
        var other = RawHttp.get(second, "/env");
        assertTrue(other.text().contains("\nSERVER_PORT=" + second + "\n"), other.text());
    }

    @Test
    void aResponseWithoutLengthIsChunkedForHttp11AndClosesHttp10() throws Exception {
        try (var http = new RawHttp(port)) {
            var r = http.send("GET /nolen HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertTrue(r.chunked(), "chunked: " + r.headers());
            assertEquals("part one,part two", new String(r.body(), StandardCharsets.ISO_8859_1));
            assertEquals(200, http.send("GET /nolen HTTP/1.1\r\nHost: x\r\n\r\n").read().status(), "kept alive");
        }
        try (var http = new RawHttp(port)) {
            var r = http.send("GET /nolen HTTP/1.0\r\n\r\n").read();
            assertEquals("part one,part two", new String(r.body(), StandardCharsets.ISO_8859_1));
            assertTrue(http.closedByServer());
        }
    }

    @Test
    void autoGzipIsDecodedByCurlAndOnlyGivenToClientsThatAskForIt() throws Exception {
        var curl = new ProcessBuilder("curl", "-sS", "--compressed", "-D", "-", "http://127.0.0.1:" + port + "/gzip")
                .redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(curl.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, curl.exitValue(), out);
        assertTrue(out.toLowerCase().contains("content-encoding: gzip"), out);
        assertTrue(out.endsWith("compress me ".repeat(500)), out);
        try (var http = new RawHttp(port)) {
            var r = http.send("GET /gzip HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n").read();
            assertEquals("gzip", r.headers().get("content-encoding"));
            assertNull(r.headers().get("uwsgi-encoding"));
            byte[] plain = new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes();
            assertEquals("compress me ".repeat(500), new String(plain, StandardCharsets.ISO_8859_1));
            var identity = http.send("GET /gzip HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertNull(identity.headers().get("content-encoding"));
            assertEquals("compress me ".repeat(500), identity.text());
        }
    }

    @Test
    void aWorkerDyingMidResponseCutsThatClientOnlyAndTheRouterGoesOn() throws Exception {
        try (var http = new RawHttp(port)) {
            http.send("GET /die HTTP/1.1\r\nHost: x\r\n\r\n");
            var head = http.readHead();
            assertEquals(200, head.status());
            assertEquals("100000", head.headers().get("content-length"));
            int body = 0;
            while (!http.closedByServer()) { // one byte a call, until the end of the stream
                body++;
            }
            assertEquals(1000, body, "the bytes sent before the worker died, then the end of the connection");
        }
        assertEquals("Hello World", RawHttp.get(port, "/").text());
    }

    @Test
    void aBackendSilentPastHttpTimeoutGets504() throws Exception {
        try (var http = new RawHttp(port)) {
            var r = http.send("GET /slow?4 HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals(504, r.status());
        }
        server.awaitLine("\\[uwsgi-http\\] node \"127\\.0\\.0\\.1:\\d+\" sent no response in 2 s: GET /slow\\?4", Duration.ofSeconds(10));
        assertEquals("Hello World", RawHttp.get(port, "/").text());
    }

    /** {@code size} bytes that are not all alike: 0, 1 … 250, 0 … */
    private static byte[] pattern(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    @Test
    void bodiesAndResponsesLargerThanEveryBufferPassWhole() throws Exception {
        // the router forwards to this instance's own workers in the JVM (no socket): a body spooled
        // to the router's temp file, an app response and a static file each larger than what the
        // kernel holds for the router (4 MiB), read by the router as it writes to the client
        byte[] upload = pattern(3 << 20);
        var client = java.net.http.HttpClient.newHttpClient();
        var posted = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/md5"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(upload)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(upload.length + " " + md5(upload), posted.body());
        int size = 6 << 20;
        var big = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/big?" + size)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, big.statusCode());
        assertEquals(size, big.body().length);
        for (int i = 0; i < size; i += 65536) {
            assertEquals((byte) ((i / 65536) % 251), big.body()[i], "block at " + i);
        }
        var file = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/files/big.bin")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, file.statusCode());
        assertEquals(md5(pattern(5 << 20)), md5(file.body()), "the static file, served by the kernel through the router");
    }

    private static String md5(byte[] data) throws java.security.NoSuchAlgorithmException {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(data));
    }

    @Test
    void aRequestWaitingForABusyWorkerPastHttpTimeoutGets504AndTheRouterGoesOn() throws Exception {
        // both workers are held 5 s; a third request waits for one in the kernel's queue (the router
        // hands it over in the JVM) until --http-timeout (2 s, swept once a second) ends the wait:
        // 504, as for the others
        String tag = Long.toString(System.nanoTime());
        var busy = new java.util.ArrayList<java.util.concurrent.CompletableFuture<RawHttp.Response>>();
        for (int i = 0; i < 2; i++) {
            String target = "/busy?" + tag + "-" + i;
            busy.add(RawHttp.inBackground(() -> RawHttp.get(port, target)));
            server.awaitLine("busy " + tag + "-" + i, Duration.ofSeconds(10));
        }
        var queued = RawHttp.get(port, "/");
        assertEquals(504, queued.status());
        for (var r : busy) {
            assertEquals(504, r.get(20, TimeUnit.SECONDS).status());
        }
        assertEquals("Hello World", RawHttp.get(port, "/").text());
    }

    @Test
    void outOfFileDescriptorsTheRouterWaitsAndThenServesTheClientsThatWaitedInTheBacklog() throws Exception {
        // the JVM (bin/uwsgi4j execs java) may open two more files; four clients connect (the
        // backlog takes them), two are accepted, then accept() fails with EMFILE: the router
        // pauses (AcceptBackoff) instead of spinning, and once descriptors are free again it
        // accepts and serves the rest
        String pid = Long.toString(server.pid());
        String before = prlimit("--pid", pid, "--nofile", "--output", "SOFT,HARD", "--noheadings").strip();
        String hard = before.split("\\s+")[1];
        long open;
        try (var fds = java.nio.file.Files.list(Path.of("/proc", pid, "fd"))) {
            open = fds.count();
        }
        var clients = new java.util.ArrayList<RawHttp>();
        try {
            prlimit("--pid", pid, "--nofile=" + (open + 2) + ":" + hard);
            for (int i = 0; i < 4; i++) {
                clients.add(new RawHttp(port).send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
            }
            server.awaitLine("\\[uwsgi-http\\] accept\\(\\) on 127\\.0\\.0\\.1:\\d+ failed: Too many open files \\(next try in \\d+ ms\\)",
                    Duration.ofSeconds(10));
        } finally {
            prlimit("--pid", pid, "--nofile=" + before.split("\\s+")[0] + ":" + hard);
        }
        try {
            for (RawHttp c : clients) {
                assertEquals("Hello World", c.read().text());
            }
        } finally {
            for (RawHttp c : clients) {
                c.close();
            }
        }
    }

    private static String prlimit(String... args) throws Exception {
        var command = new java.util.ArrayList<>(java.util.List.of("prlimit"));
        command.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "prlimit " + String.join(" ", args) + ": " + out);
        return out;
    }

    @Test
    void slowUploadersHoldNoWorker() throws Exception {
        // three clients (one more than the workers) each send half a body and stall: the router
        // holds their requests until the bodies are whole, so both workers stay free
        var slow = new java.util.ArrayList<RawHttp>();
        try {
            for (int i = 0; i < 3; i++) {
                slow.add(new RawHttp(port).send("POST /env HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhalf."));
            }
            assertEquals("Hello World", RawHttp.get(port, "/").text());
            assertEquals("Hello World", RawHttp.get(port, "/").text());
            var r = slow.get(0).send("rest.").read();
            assertEquals(200, r.status());
            assertTrue(("\n" + r.text()).contains("\nCONTENT_LENGTH=10\n"), r.text());
        } finally {
            for (RawHttp h : slow) {
                h.close();
            }
        }
    }

    @Test
    void theStatsServerCountsTheNodesResponsesAndTheOpenSessions() throws Exception {
        try (var held = new RawHttp(port)) {
            assertEquals(200, held.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
            String doc;
            try (var stats = new java.net.Socket("127.0.0.1", statsPort)) {
                doc = new String(stats.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
            var hits = java.util.regex.Pattern.compile("\"static_nodes\":\\[\\{\"name\":\"127\\.0\\.0\\.1:\\d+\",\"hits\":(\\d+),\"grace\":0}]")
                    .matcher(doc);
            assertTrue(hits.find(), doc);
            assertTrue(Long.parseLong(hits.group(1)) >= 1, doc);
            var sessions = java.util.regex.Pattern.compile("\"active_sessions\":(\\d+)").matcher(doc);
            assertTrue(sessions.find() && Integer.parseInt(sessions.group(1)) >= 1, "the held connection is open:\n" + doc);
            assertTrue(doc.contains("\"http\":[\"127.0.0.1:" + port + "\",\"127.0.0.1:" + second + "\"]"), doc);
        }
    }

    @Test
    void theKernelsStatsCarryTheRoutersSection() throws Exception {
        assertEquals(200, RawHttp.get(port, "/").status());
        // read as uwsgitop reads the document: Python's json module
        String out = StatsReader.python(kernelStatsPort, """
                h = d["http"]
                n = h["static_nodes"][0]
                print(len(d["workers"]), h["http"], n["name"], n["hits"], n["grace"], h["subscriptions"], h["cheap"], type(h["active_sessions"]).__name__)
                """);
        String[] f = out.split(" ", 2);
        assertEquals("2", f[0], out);
        var m = java.util.regex.Pattern.compile("\\['127\\.0\\.0\\.1:" + port + "', '127\\.0\\.0\\.1:" + second
                + "'\\] 127\\.0\\.0\\.1:\\d+ (\\d+) 0 \\[\\] 0 int").matcher(f[1]);
        assertTrue(m.matches(), out);
        assertTrue(Long.parseLong(m.group(1)) >= 1, out);
    }
}
