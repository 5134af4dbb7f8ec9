package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The app battery: one endpoint contract that every language's fixture app implements, run end
 * to end against the real distribution, once per language ({@link #languages()}). One server per
 * language ({@code --master --processes 2}, an {@code --http-socket} and a {@code --socket}) and
 * one real nginx ({@code uwsgi_pass} to the {@code --socket}) serve every case of that language.
 *
 * <p>The contract (also docs/testing.md, "The app battery"), routed by the path:
 * <pre>
 *  endpoint         the fixture app                                    the battery checks
 *  /env...          reads the body; answers 200 application/json: a    the CGI variables compared
 *                   flat object of every CGI variable (a name without   after parsing: method, path
 *                   a dot) with its bytes decoded as UTF-8, and         (decoded), query, URI,
 *                   "battery.body": the body                            protocol, SCRIPT_NAME, type,
 *                                                                       length, HTTP_*, port, body;
 *                                                                       over HTTP and behind nginx
 *  /echo            reads the body to its end and answers it, with      5 MiB both ways by digest
 *                   Content-Length (application/octet-stream)           (HTTP and nginx); a chunked
 *                                                                       request body
 *  /stream?DIR      "chunk 0\n" … "chunk 4\n" as separate body pieces,  each chunk arrives, in order,
 *                   waiting (≤ 10 s) before piece i for DIR/gate-i      before the next is made
 *  /write           "written " through the write callable, then         the body, where the language
 *                   "and returned" as the body (WSGI's write())         has a write callable
 *  /raise-early     fails with "battery: early failure", nothing sent   500, the log line, the
 *                                                                       server serves on
 *  /raise-late      starts 200, sends "partial", fails with             the body never completes,
 *                   "battery: late failure"                             the log line, serves on
 *  /head            200 text/plain, Content-Length 11, "hello head\n"   HEAD: the headers, no body
 *                                                                       (the next GET on the same
 *                                                                       connection is in step)
 *  /pid             the serving process's pid, as decimal text          every pid is a spawned
 *                                                                       worker's, both workers serve
 *  /file?PATH       the file PATH through the language's file body      the bytes; the file object
 *                   (WSGI: wsgi.file_wrapper), with Content-Length; its refuses reads in the app's
 *                   reads fail in the app's process                     process, so only SENDFILE
 *                                                                       can have sent them
 *  /hop             200 with the app's own Transfer-Encoding: chunked,  per language ({@link HopByHop})
 *                   "framed by the server\n"
 * </pre>
 *
 * <p>A language joins with its fixture app in {@code src/test/resources/apps/battery/} and one
 * row in {@link #languages()}: the options that load the app, its modifier1 (what nginx passes),
 * whether it has a write callable, and its rule for hop-by-hop headers from the app.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("languages")
class AppBatteryIT {

    private static final Path FIXTURES = Path.of("src/test/resources/apps/battery").toAbsolutePath();
    private static final int MIB = 1024 * 1024;
    private static final int WORKERS = 2;
    private static final Duration LOG_WAIT = Duration.ofSeconds(10);

    /**
     * What a language's hosting does with a hop-by-hop header ({@code Transfer-Encoding}) the
     * app sets: {@code REFUSED} is the app's error (PEP 3333), a 500 with {@code logLine} (a
     * regex) in the log; {@code REPLACED}: the header is the app's (PSGI, Rack: Plack's and
     * Rack's chunking middlewares set it) and the kernel answers with its own framing instead.
     */
    record HopByHop(Rule rule, String logLine) {
        enum Rule { REFUSED, REPLACED }

        static HopByHop refused(String logLine) {
            return new HopByHop(Rule.REFUSED, logLine);
        }

        static HopByHop replaced() {
            return new HopByHop(Rule.REPLACED, null);
        }
    }

    /**
     * A language under the battery: its fixture app (a file in {@code apps/battery/}), the
     * options that serve it (relative to the server's directory, where the fixture is copied),
     * the modifier1 nginx passes for it, whether it has a write callable (WSGI's
     * {@code write()}; without one, the {@code /write} case aborts as an assumption naming the
     * language, reported skipped), and its {@link HopByHop} rule.
     */
    record Language(String name, String fixture, List<String> appOptions, int modifier1, boolean writeCallable,
            HopByHop hopByHop) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The languages under the battery: one row each (perl's PSGI and ruby's Rack join here). */
    static Stream<Language> languages() {
        return Stream.of(
                new Language("perl", "battery.psgi", List.of("--psgi", "battery.psgi"), 5, false, HopByHop.replaced()),
                new Language("python", "battery.py", List.of("--wsgi-file", "battery.py"), 0, true,
                        HopByHop.refused("^ValueError: hop-by-hop header 'Transfer-Encoding' is not allowed \\(PEP 3333\\)$")),
                new Language("rack", "battery.ru", List.of("--rack", "battery.ru"), 7, false, HopByHop.replaced()));
    }

    // one server, one nginx per language: set up before its cases, torn down after them
    private static Path dir;
    private static UwsgiProcess server;
    private static Nginx nginx;
    private static int httpPort;
    private static final Set<Long> workerPids = new HashSet<>();
    private static byte[] fileData;

    @Parameter
    Language language;

    @BeforeParameterizedClassInvocation
    static void startServer(Language language) throws Exception {
        server = null;
        nginx = null;
        dir = Files.createTempDirectory("battery-" + language.name());
        Files.copy(FIXTURES.resolve(language.fixture()), dir.resolve(language.fixture()));
        fileData = new byte[3 * MIB + 7];
        new Random(7).nextBytes(fileData);
        Files.write(dir.resolve("file.bin"), fileData);
        List<String> args = new ArrayList<>(List.of("--http-socket", "127.0.0.1:0", "--socket", "127.0.0.1:0",
                "--master", "--processes", String.valueOf(WORKERS)));
        args.addAll(language.appOptions());
        server = UwsgiProcess.start(dir, args.toArray(String[]::new));
        httpPort = server.httpPort();
        int uwsgiPort = Integer.parseInt(server.awaitLine("uwsgi socket 1 bound to TCP address 127\\.0\\.0\\.1:(\\d+)",
                UwsgiProcess.START_TIMEOUT).group(1));
        workerPids.clear();
        for (int id = 1; id <= WORKERS; id++) {
            workerPids.add(server.workerPid(id));
        }
        String extra = "client_max_body_size 0;" + (language.modifier1() == 0 ? "" : " uwsgi_modifier1 " + language.modifier1() + ";");
        nginx = Nginx.start(dir, uwsgiPort, extra);
    }

    @AfterParameterizedClassInvocation
    static void stopServer() throws Exception {
        try (var s = server; var n = nginx) {
            assertTrue(s != null && s.isAlive(), () -> "the server lived through the battery; output:\n" + (s == null ? "" : s.output()));
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ---- the cases -----------------------------------------------------------------------

    @Test
    void theEnvironmentIsEchoedAsJson() throws Exception {
        String body = "hello battery";
        var r = exchange("POST /env/caf%C3%A9?a=1&b=%20x HTTP/1.1\r\nHost: battery.test\r\nConnection: close\r\n"
                + "X-Battery: yes\r\nX-Battery-Two-Words: one two\r\nX-Twice: a\r\nX-Twice: b\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body);
        assertEquals(200, r.status());
        assertEquals("application/json", r.headers().get("content-type"));
        Map<String, String> env = FlatJson.parse(new String(r.body(), StandardCharsets.UTF_8));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("REQUEST_METHOD", "POST");
        expected.put("SCRIPT_NAME", "");
        expected.put("PATH_INFO", "/env/café");
        expected.put("QUERY_STRING", "a=1&b=%20x");
        expected.put("REQUEST_URI", "/env/caf%C3%A9?a=1&b=%20x");
        expected.put("SERVER_PROTOCOL", "HTTP/1.1");
        expected.put("SERVER_PORT", String.valueOf(httpPort));
        expected.put("REMOTE_ADDR", "127.0.0.1");
        expected.put("CONTENT_TYPE", "text/plain; charset=utf-8");
        expected.put("CONTENT_LENGTH", String.valueOf(body.length()));
        expected.put("HTTP_HOST", "battery.test");
        expected.put("HTTP_X_BATTERY", "yes");
        expected.put("HTTP_X_BATTERY_TWO_WORDS", "one two");
        expected.put("HTTP_X_TWICE", "a, b"); // a repeated header: one variable, the values joined (RFC 9110 5.3)
        expected.put("battery.body", body);
        assertEquals(expected, only(expected.keySet(), env), "the whole echo: " + env);
        assertFalse(env.getOrDefault("SERVER_NAME", "").isEmpty(), "SERVER_NAME: " + env);
        assertFalse(env.containsKey("HTTP_CONTENT_TYPE") || env.containsKey("HTTP_CONTENT_LENGTH"),
                "Content-Type and -Length are CONTENT_TYPE and CONTENT_LENGTH only: " + env);
    }

    @Test
    void aLargeBodyGoesBothWays() throws Exception {
        byte[] up = random(5 * MIB, 1);
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(up)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals(String.valueOf(up.length), r.headers().firstValue("content-length").orElse(null));
        assertEquals(sha256(up), sha256(r.body()), "5 MiB up and down");
    }

    @Test
    void aChunkedRequestBodyReachesTheApp() throws Exception {
        byte[] up = random(MIB + 3, 2);
        var chunked = new ByteArrayOutputStream();
        for (int off = 0, n = 1; off < up.length; off += n, n = Math.min(n * 3 + 1, 70_001)) {
            n = Math.min(n, up.length - off);
            chunked.write((Integer.toHexString(n) + (off == 0 ? ";ext=1" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
            chunked.write(up, off, n);
            chunked.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        chunked.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        try (var http = new RawHttp(httpPort)) {
            http.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n").send(chunked.toByteArray());
            var r = http.read();
            assertEquals(200, r.status());
            assertEquals(sha256(up), sha256(r.body()), "the de-chunked body, echoed");
            // the body was read to its end: the connection is in step for the next request
            http.send("POST /env HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n8\r\n battery\r\n0\r\n\r\n");
            assertEquals("hello battery", FlatJson.parse(http.read().text()).get("battery.body"));
        }
        // and from a real client: the JDK's sends a body of unknown length chunked
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(up))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals(sha256(up), sha256(r.body()), "a real client's chunked body, echoed");
    }

    @Test
    void aStreamedResponseArrivesChunkByChunkInOrder() throws Exception {
        Path gates = Files.createTempDirectory(dir, "gates");
        try (var http = new RawHttp(httpPort)) {
            var head = http.send("GET /stream?" + gates + " HTTP/1.1\r\nHost: x\r\n\r\n").readHead();
            assertEquals(200, head.status());
            assertTrue(head.chunked(), "no length, keep-alive: chunked on the wire " + head.headers());
            var seen = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                String upTo = expectedChunks(i);
                while (seen.length() < upTo.length()) {
                    byte[] chunk = http.readChunk();
                    assertTrue(chunk != null, "the body ended after " + seen);
                    seen.append(new String(chunk, StandardCharsets.ISO_8859_1));
                }
                assertEquals(upTo, seen.toString(), "chunk " + i + " arrived before chunk " + (i + 1) + " was made");
                if (i < 4) {
                    Files.createFile(gates.resolve("gate-" + (i + 1)));
                }
            }
            assertNull(http.readChunk(), "the last chunk, then the end of the body");
            assertEquals(200, http.send("GET /pid HTTP/1.1\r\nHost: x\r\n\r\n").read().status(), "the connection is in step");
        }
    }

    @Test
    void theWriteCallableSendsBeforeTheReturnedBody() throws Exception {
        assumeTrue(language.writeCallable(), language + " has no write callable");
        var r = RawHttp.get(httpPort, "/write");
        assertEquals(200, r.status());
        assertEquals("written and returned", r.text());
    }

    @Test
    void anExceptionBeforeTheResponseIsA500AndTheServerServesOn() throws Exception {
        assertEquals(500, RawHttp.get(httpPort, "/raise-early").status());
        server.awaitLine("battery: early failure", LOG_WAIT);
        assertServesOn();
    }

    @Test
    void anExceptionAfterTheResponseStartedCutsTheConnectionAndTheServerServesOn() throws Exception {
        try (var http = new RawHttp(httpPort)) {
            var head = http.send("GET /raise-late HTTP/1.1\r\nHost: x\r\n\r\n").readHead();
            assertEquals(200, head.status());
            var seen = new StringBuilder();
            assertThrows(IOException.class, () -> {
                for (byte[] chunk; (chunk = http.readChunk()) != null; ) {
                    seen.append(new String(chunk, StandardCharsets.ISO_8859_1));
                }
            }, "the body must not end as if complete");
            assertTrue("partial".startsWith(seen.toString()), "only what the app sent: " + seen);
        }
        server.awaitLine("battery: late failure", LOG_WAIT);
        assertServesOn();
    }

    @Test
    void headAnswersTheHeadersWithoutTheBody() throws Exception {
        try (var http = new RawHttp(httpPort)) {
            var r = http.send("HEAD /head HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
            assertEquals(200, r.status());
            assertEquals("text/plain", r.headers().get("content-type"));
            assertEquals("11", r.headers().get("content-length"), "the length of the body GET would get: " + r.headers());
            // had any body byte followed the HEAD's head, this GET's status line would not parse
            r = http.send("GET /head HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals(200, r.status());
            assertEquals("hello head\n", r.text());
            // a body the kernel would send from a file (SENDFILE): not sent either
            r = http.send("HEAD /file?" + dir.resolve("file.bin") + " HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
            assertEquals(200, r.status());
            assertEquals(String.valueOf(fileData.length), r.headers().get("content-length"));
            assertEquals("hello head\n", http.send("GET /head HTTP/1.1\r\nHost: x\r\n\r\n").read().text(), "in step after HEAD /file");
        }
    }

    /**
     * Requests come in bursts of 8 at once: an idle worker's core takes each, so both serve
     * (one request at a time would all go to the core that waited last, as the kernel wakes
     * the latest waiter of an epoll set first: docs/architecture.md).
     */
    @Test
    void everyPidIsOneOfTheServersWorkersAndBothServe() throws Exception {
        Set<Long> seen = new HashSet<>();
        for (int burst = 0; burst < 10 && seen.size() < WORKERS; burst++) {
            List<java.util.concurrent.CompletableFuture<RawHttp.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(RawHttp.inBackground(() -> RawHttp.get(httpPort, "/pid")));
            }
            for (var answer : answers) {
                long pid = Long.parseLong(answer.get(30, java.util.concurrent.TimeUnit.SECONDS).text());
                assertTrue(workerPids.contains(pid), pid + " is not a spawned worker " + workerPids);
                seen.add(pid);
            }
        }
        assertEquals(workerPids, seen, "both workers serve");
        assertFalse(seen.contains(server.pid()), "not the master's (the JVM's) pid");
    }

    /**
     * Many kept-alive clients at once, more than the workers: every core is busy, so the kernel
     * writes requests ahead into the workers' FIFOs (docs/worker-protocol.md, "Requests written
     * ahead"), takes some back for idle cores, and sends the rest on the channels. Each client's
     * every answer must be its own request's: a GET echoing its query, an idempotent PUT and a
     * POST (never written ahead) echoing their bodies, in the order sent.
     */
    @Test
    void aBurstOfKeptAliveClientsGetsEachRequestsOwnAnswer() throws Exception {
        int clients = 12;
        int requests = 120;
        List<java.util.concurrent.CompletableFuture<Integer>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            done.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (var socket = new java.net.Socket("127.0.0.1", httpPort)) {
                    socket.setSoTimeout(30_000);
                    var in = new java.io.BufferedInputStream(socket.getInputStream());
                    var out = socket.getOutputStream();
                    for (int i = 0; i < requests; i++) {
                        String id = client + "-" + i;
                        String method = i % 3 == 0 ? "GET" : i % 3 == 1 ? "PUT" : "POST";
                        String request = method.equals("GET")
                                ? "GET /env?id=" + id + " HTTP/1.1\r\nHost: battery.test\r\n\r\n"
                                : method + " /echo HTTP/1.1\r\nHost: battery.test\r\nContent-Length: " + id.length() + "\r\n\r\n" + id;
                        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        String body = new String(keptAliveResponse(in), StandardCharsets.UTF_8);
                        String got = method.equals("GET") ? FlatJson.parse(body).get("QUERY_STRING") : body;
                        assertEquals(method.equals("GET") ? "id=" + id : id, got, method + " " + id + " answered with another's");
                    }
                    return requests;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, runnable -> Thread.ofVirtual().start(runnable)));
        }
        for (var d : done) {
            assertEquals(requests, d.get(60, java.util.concurrent.TimeUnit.SECONDS));
        }
        assertServesOn();
    }

    /** One response of a kept-alive connection (a 200 with a Content-Length): its body. */
    private static byte[] keptAliveResponse(java.io.InputStream in) throws IOException {
        String status = line(in);
        assertTrue(status.startsWith("HTTP/1.1 200"), "status: " + status);
        int length = -1;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).strip());
            }
        }
        assertTrue(length >= 0, "a Content-Length");
        return in.readNBytes(length);
    }

    private static String line(java.io.InputStream in) throws IOException {
        var b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new java.io.EOFException("the connection closed");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aFileBodyIsSentBySendfile() throws Exception {
        var r = RawHttp.get(httpPort, "/file?" + dir.resolve("file.bin"));
        assertEquals(200, r.status(), r.text());
        assertEquals(String.valueOf(fileData.length), r.headers().get("content-length"));
        assertArrayEquals(fileData, r.body(), "the file's bytes, which its app process could not read");
    }

    @Test
    void aHopByHopHeaderFromTheAppFollowsTheLanguagesRule() throws Exception {
        var r = RawHttp.get(httpPort, "/hop");
        switch (language.hopByHop().rule()) {
            case REFUSED -> {
                assertEquals(500, r.status(), "the app's error");
                server.awaitLine(language.hopByHop().logLine(), LOG_WAIT);
            }
            case REPLACED -> {
                assertEquals(200, r.status());
                assertEquals("framed by the server\n", r.text(), "framed once, by the kernel");
                assertFalse(r.chunked() && r.headers().containsKey("content-length"), "one framing: " + r.headers());
            }
        }
        assertServesOn();
    }

    // ---- the same behind real nginx (uwsgi_pass: the uwsgi protocol) ----------------------

    @Test
    void theEnvironmentIsEchoedBehindNginx() throws Exception {
        String body = "hello battery";
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginx.port + "/env/caf%C3%A9?a=1&b=%20x"))
                .header("X-Battery", "yes").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), r.body() + nginx.output());
        Map<String, String> env = FlatJson.parse(r.body());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("REQUEST_METHOD", "POST");
        expected.put("PATH_INFO", "/env/café");
        expected.put("QUERY_STRING", "a=1&b=%20x");
        expected.put("REQUEST_URI", "/env/caf%C3%A9?a=1&b=%20x");
        expected.put("SERVER_PROTOCOL", "HTTP/1.1");
        expected.put("SERVER_PORT", String.valueOf(nginx.port));
        expected.put("REMOTE_ADDR", "127.0.0.1");
        expected.put("CONTENT_TYPE", "text/plain");
        expected.put("CONTENT_LENGTH", String.valueOf(body.length()));
        expected.put("HTTP_X_BATTERY", "yes");
        expected.put("battery.body", body);
        assertEquals(expected, only(expected.keySet(), env), "the whole echo: " + env);
        // nginx's uwsgi_params send no SCRIPT_NAME and uWSGI adds none: empty or absent (PEP 3333)
        assertEquals("", env.getOrDefault("SCRIPT_NAME", ""), "SCRIPT_NAME: " + env);
    }

    @Test
    void aLargeBodyGoesBothWaysBehindNginx() throws Exception {
        byte[] up = random(5 * MIB, 3);
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginx.port + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(up)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), nginx.output());
        assertEquals(sha256(up), sha256(r.body()), "5 MiB up and down through nginx");
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** The next requests are served, by the same workers (none died). */
    private static void assertServesOn() throws Exception {
        var r = RawHttp.get(httpPort, "/pid");
        assertEquals(200, r.status());
        assertTrue(workerPids.contains(Long.parseLong(r.text())), r.text() + " not in " + workerPids);
        assertTrue(server.isAlive(), "the server lives");
    }

    /** One request written as is on a new connection, and its response. */
    private static RawHttp.Response exchange(String raw) throws IOException {
        try (var http = new RawHttp(httpPort)) {
            return http.send(new String(raw.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)).read();
        }
    }

    private static Map<String, String> only(Set<String> keys, Map<String, String> env) {
        Map<String, String> some = new LinkedHashMap<>();
        for (String k : keys) {
            if (env.containsKey(k)) {
                some.put(k, env.get(k));
            }
        }
        return some;
    }

    private static String expectedChunks(int last) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i <= last; i++) {
            s.append("chunk ").append(i).append('\n');
        }
        return s.toString();
    }

    /** One request with the JDK's HTTP/1.1 client, a real client as applications meet. */
    private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) throws Exception {
        try (var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build()) {
            return client.send(request, body);
        }
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
