package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WSGI applications on real CPython workers through the real distribution: a PEP 3333 app
 * under {@code wsgiref.validate} (preforking and {@code --lazy-apps}), file_wrapper, client
 * disconnects, {@code --threads}, load failures, the {@code uwsgi} module, Flask and Django.
 */
class PythonIT {

    private static final Path APPS = Path.of("src/test/resources/apps/python").toAbsolutePath();
    private static final Path EXAMPLES = Path.of("../examples/python").toAbsolutePath();
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path cwd;

    private Path app(String name) throws Exception {
        return UwsgiProcess.copyApp(APPS, name, cwd);
    }

    /** Starts the server on an ephemeral port and waits until {@code workers} workers are spawned. */
    private static int serve(UwsgiProcess server, int workers) throws InterruptedException {
        int port = server.httpPort();
        for (int i = 1; i <= workers; i++) {
            server.workerPid(i);
        }
        return port;
    }

    private static RawHttp.Response request(int port, String method, String target, byte[] body, String... headers)
            throws Exception {
        try (var http = new RawHttp(port)) {
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
            for (String h : headers) {
                head.append(h).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            http.send(head.append("\r\n").toString());
            if (body != null) {
                http.send(body);
            }
            return http.read(method.equals("HEAD"));
        }
    }

    private static RawHttp.Response get(int port, String target) throws Exception {
        return request(port, "GET", target, null);
    }

    private static String utf8(RawHttp.Response r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void pep3333AppUnderTheValidatorPreforking() throws Exception {
        Path app = app("pep3333.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "2")) {
            exercise(server, serve(server, 2));
        }
    }

    @Test
    void pep3333AppUnderTheValidatorWithLazyApps() throws Exception {
        Path app = app("pep3333.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "2", "--lazy-apps")) {
            int port = serve(server, 2);
            exercise(server, port);
            // bursts of 8 at once: one request at a time would all go to the core that waited last
            // (the kernel wakes the latest waiter of an epoll set first: docs/architecture.md)
            Set<String> pids = new HashSet<>();
            for (int burst = 0; burst < 10 && pids.size() < 2; burst++) {
                List<CompletableFuture<RawHttp.Response>> answers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    answers.add(RawHttp.inBackground(() -> get(port, "/pid")));
                }
                for (var answer : answers) {
                    pids.add(answer.get(30, TimeUnit.SECONDS).text());
                }
            }
            assertEquals(2, pids.size(), "both lazy workers serve: " + pids);
        }
    }

    /** The whole PEP 3333 tour against a running pep3333.py. */
    private static void exercise(UwsgiProcess server, int port) throws Exception {
        // GET with a query string and a UTF-8 path: PATH_INFO holds its bytes as latin-1
        var r = get(port, "/caf%C3%A9/%E2%82%AC?a=1&b=%20x");
        assertEquals(200, r.status());
        assertEquals("{\"method\": \"GET\", \"query\": \"a=1&b=%20x\", \"path\": \"/caf\\u00e9/\\u20ac\", \"script_name\": \"\"}",
                utf8(r));

        // HEAD: the server drops the body
        r = request(port, "HEAD", "/head", null);
        assertEquals(200, r.status());
        assertEquals("text/plain", r.headers().get("content-type"));

        // POST 1 MiB up, with Content-Length and chunked
        byte[] up = new byte[MIB];
        new java.util.Random(42).nextBytes(up);
        r = request(port, "POST", "/echo", up);
        assertEquals("{\"method\": \"POST\", \"length\": 1048576, \"sha256\": \"" + sha256(up) + "\", \"content_length\": \"1048576\"}",
                r.text());
        var chunked = new ByteArrayOutputStream();
        for (int off = 0; off < up.length; off += 100_000) {
            int n = Math.min(100_000, up.length - off);
            chunked.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            chunked.write(up, off, n);
            chunked.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        chunked.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        try (var http = new RawHttp(port)) {
            http.send("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n");
            http.send(chunked.toByteArray());
            assertTrue(http.read().text().contains("\"length\": 1048576, \"sha256\": \"" + sha256(up) + "\""));
        }

        // 1 MiB down
        r = get(port, "/big?" + MIB);
        assertEquals(String.valueOf(MIB), r.headers().get("content-length"));
        assertArrayEquals(pattern(MIB), r.body());

        // a streaming generator (chunked on the wire) and the write() callable
        try (var http = new RawHttp(port)) {
            r = http.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n").read();
        }
        assertTrue(r.chunked(), "streamed on a keep-alive connection: chunked");
        assertEquals("chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n", r.text());
        assertEquals("written and returned", get(port, "/write").text());

        // an exception before start_response: 500, the traceback in the log, the worker lives on
        assertEquals(500, get(port, "/raise-early").status());
        server.awaitLine("^ZeroDivisionError: early failure$", Duration.ofSeconds(10));
        server.awaitLine("^Traceback \\(most recent call last\\):$", Duration.ofSeconds(10));
        // after the response started: cut (no complete chunked body), and the next request works
        try (var http = new RawHttp(port)) {
            http.send("GET /raise-late HTTP/1.1\r\nHost: x\r\n\r\n");
            var cut = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, http::read);
            assertTrue(cut.getMessage().contains("partial") || cut instanceof java.io.EOFException, cut.toString());
        }
        server.awaitLine("^RuntimeError: late failure$", Duration.ofSeconds(10));
        // a hop-by-hop header is the app's error
        assertEquals(500, get(port, "/hop").status());
        server.awaitLine("ValueError: hop-by-hop header 'Transfer-Encoding' is not allowed", Duration.ofSeconds(10));
        assertEquals(200, get(port, "/after").status());
        assertFalse(server.output().contains("AssertionError"), "the validator found nothing:\n" + server.output());
        assertFalse(server.output().contains("WSGIWarning"), "the validator warned:\n" + server.output());
    }

    @Test
    void aClientThatGoesAwayStillGetsTheIterableClosed() throws Exception {
        Path app = app("pep3333.py");
        Path marker = cwd.resolve("closed-marker");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "1")) {
            int port = serve(server, 1);
            try (var socket = new java.net.Socket("127.0.0.1", port)) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write(("GET /disconnect?" + marker + " HTTP/1.1\r\nHost: x\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                var seen = new StringBuilder();
                var in = socket.getInputStream();
                for (int c; !seen.toString().contains("first chunk") && (c = in.read()) >= 0; ) {
                    seen.append((char) c);
                }
                assertTrue(seen.toString().contains("first chunk"), seen.toString());
            } // the client goes away with the response in the middle
            Files.createFile(Path.of(marker + ".gate")); // the app's generator goes on
            UwsgiProcess.awaitFile(marker);
            // the app creates the file, then writes into it: wait (bounded) for the words
            String text = Files.readString(marker);
            for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); text.isEmpty() && System.nanoTime() < deadline; ) {
                Thread.sleep(10); // polling the marker's content, bounded by the deadline
                text = Files.readString(marker);
            }
            assertEquals("closed", text);
            assertEquals(200, get(port, "/").status());
        }
    }

    @Test
    void fourThreadsServeFourSlowRequestsTogether() throws Exception {
        Path app = app("pep3333.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "1", "--threads", "4")) {
            int port = serve(server, 1);
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return get(port, "/barrier").text();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, Thread::startVirtualThread));
            }
            Set<String> threads = new HashSet<>();
            for (var a : answers) {
                String text = a.get(30, TimeUnit.SECONDS);
                assertTrue(text.startsWith("together "), "all four were in the app at once (a Barrier(4)): " + text);
                threads.add(text);
            }
            assertEquals(4, threads.size(), "four core threads: " + threads);
        }
    }

    @Test
    void fileWrapperSendsARealFileAndIteratesFileLikes() throws Exception {
        Path app = app("files.py");
        byte[] data = pattern(3 * MIB + 7);
        Files.write(cwd.resolve("data.bin"), data);
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString())) {
            int port = serve(server, 1);
            assertEquals("True", get(port, "/has-wrapper").text());
            var r = get(port, "/file?data.bin");
            assertEquals(200, r.status());
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 10, data.length), r.body(), "from the file's position on");
            assertEquals("from a file-like ".repeat(1000), get(port, "/filelike").text());
        }
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--wsgi-disable-file-wrapper")) {
            int port = serve(server, 1);
            assertEquals("False", get(port, "/has-wrapper").text());
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 10, data.length), get(port, "/file?data.bin").body());
        }
    }

    /** {@code --chdir}: the workers run in that directory and a relative --wsgi-file is found there. */
    @Test
    void chdirIsTheWorkersDirectoryAndRelativeAppPathsStartThere() throws Exception {
        Path site = Files.createDirectories(cwd.resolve("site"));
        Files.writeString(site.resolve("where.py"), """
                import os
                def application(environ, start_response):
                    body = os.getcwd().encode()
                    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
                    return [body]
                """);
        for (String mode : List.of("--master", "--lazy-apps")) {
            try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--chdir", site.toString(),
                    "--wsgi-file", "where.py", mode)) {
                int port = serve(server, 1);
                assertEquals(site.toRealPath().toString(), get(port, "/").text(), mode);
            }
        }
    }

    /** {@code --python-interpreter}: the workers run that binary (here a wrapper that marks the environment). */
    @Test
    void pythonInterpreterIsTheBinaryThatRunsTheWorkers() throws Exception {
        Files.writeString(cwd.resolve("marked.py"), """
                import os
                def application(environ, start_response):
                    body = os.environ.get("VIA_WRAPPER", "no wrapper").encode()
                    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
                    return [body]
                """);
        Path wrapper = cwd.resolve("wrapped-python");
        Files.writeString(wrapper, "#!/bin/sh\nVIA_WRAPPER=wrapped exec /usr/bin/python3 \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", "marked.py",
                "--python-interpreter", wrapper.toString())) {
            int port = serve(server, 1);
            assertEquals("wrapped", get(port, "/").text());
        }
    }

    @Test
    void aSyntaxErrorIsOneClearLineAndNeedAppExits22() throws Exception {
        Path app = app("syntax_error.py");
        var result = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(), "--need-app");
        assertEquals(22, result.exitCode(), result.output());
        Pattern oneLine = Pattern.compile("SyntaxError: .*\\(" + Pattern.quote(app.toString()) + " line 1\\)");
        assertTrue(result.lines().stream().anyMatch(l -> oneLine.matcher(l).find()), result.output());
    }

    @Test
    void aHomeWithoutPythonIsRefusedAtStartWithOneLineAndExit1() throws Exception {
        Path app = app("uwsgi_values.py");
        Path venv = cwd.resolve("no-venv");
        var result = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--home", venv.toString());
        assertEquals(1, result.exitCode(), result.output());
        assertEquals("!!! python: cannot serve this configuration: --home " + venv + ": no bin/python in " + venv + " !!!",
                result.lines().getLast(), "the last line:\n" + result.output());
        assertTrue(result.lines().stream().noneMatch(l -> l.startsWith("\tat ")), "no stack trace:\n" + result.output());
    }

    @Test
    void theUwsgiModuleShowsTheServersValuesAndReloads() throws Exception {
        Path app = app("uwsgi_values.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "2", "--env", "A=1", "--env", "B=2")) {
            int port = serve(server, 2);
            long now = System.currentTimeMillis() / 1000;
            String first = get(port, "/").text();
            Matcher m = Pattern.compile("\"worker_id\": (\\d), \"loaded_in\": 0, \"masterpid\": (\\d+), \"request_id\": (\\d+), "
                    + "\"started_on\": (\\d+), \"version\": \"<class 'bytes'> 0\\.1\\.0-uwsgi4j\", \"pid\": (\\d+)").matcher(first);
            assertTrue(m.find(), first);
            assertTrue(first.startsWith("{\"opt_processes\": \"2\", \"opt_master\": true, \"opt_env\": [\"A=1\", \"B=2\"], \"numproc\": 2, "),
                    first);
            assertEquals(server.pid(), Long.parseLong(m.group(2)), "masterpid() is the JVM");
            long started = Long.parseLong(m.group(4));
            assertTrue(started <= now && started > now - 600, "started_on " + started + " vs now " + now);
            server.awaitLine("uwsgi\\.log from worker " + m.group(1), Duration.ofSeconds(10));
            // request_id() counts the worker's requests
            String pid = m.group(5);
            int id = Integer.parseInt(m.group(3));
            for (int i = 0; i < 10; i++) {
                String again = get(port, "/").text();
                if (again.contains("\"pid\": " + pid + "}")) {
                    assertTrue(again.contains("\"request_id\": " + (id + 1) + ","), again);
                    break;
                }
            }
            // uwsgi.reload(): a graceful reload of the workers
            assertEquals("true", get(port, "/reload").text());
            server.awaitLine("gracefully reloading the workers \\(asked by an application\\)", Duration.ofSeconds(10));
            server.awaitLine("generation 2", Duration.ofSeconds(30));
            assertEquals(200, get(port, "/").status());
        }
    }

    @Test
    void aFlaskAppServesFormsAndJson() throws Exception {
        app("flask_app.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", "flask_app.py",
                "--callable", "app", "--master", "--processes", "2")) {
            int port = serve(server, 2);
            assertEquals("{\"args\":{\"x\":\"1\"},\"greeting\":\"hello w\\u00f6rld\"}",
                    get(port, "/hello/w%C3%B6rld?x=1").text().strip());
            var r = request(port, "POST", "/form", "name=ann&n=21".getBytes(StandardCharsets.US_ASCII),
                    "Content-Type: application/x-www-form-urlencoded");
            assertEquals("name=ann, n=42", r.text());
            r = request(port, "POST", "/json", "{\"numbers\": [1, 2, 3.5]}".getBytes(StandardCharsets.US_ASCII),
                    "Content-Type: application/json");
            assertEquals("application/json", r.headers().get("content-type"));
            assertEquals("{\"count\":3,\"sum\":6.5}", r.text().strip());
            assertEquals(404, get(port, "/nothing").status());
        }
    }

    @Test
    void aSingleFileDjangoAppServesJsonAndForms() throws Exception {
        Files.createDirectories(cwd.resolve("djangosite"));
        app("djangosite/djangoapp.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--module", "djangoapp",
                "--pythonpath", "djangosite", "--master", "--processes", "2")) {
            int port = serve(server, 2);
            assertEquals("{\"framework\": \"django\", \"path\": \"/info\", \"q\": \"caf\\u00e9\"}", get(port, "/info?q=caf%C3%A9").text());
            var r = request(port, "POST", "/form", "name=bob".getBytes(StandardCharsets.US_ASCII),
                    "Content-Type: application/x-www-form-urlencoded");
            assertEquals(200, r.status());
            assertEquals("hello bob (8 bytes)", r.text());
            r = request(port, "POST", "/protected", "name=bob".getBytes(StandardCharsets.US_ASCII),
                    "Content-Type: application/x-www-form-urlencoded");
            assertEquals(403, r.status(), "CSRF protection where not exempt");
        }
    }

    @Test
    void theExamplesServe() throws Exception {
        record Example(String expected, String target, String... args) {
        }
        for (Example e : List.of(
                new Example("Hello from uwsgi4j!\n", "/", "--wsgi-file", "hello.py"),
                new Example("5...\n4...\n3...\n2...\n1...\nliftoff\n", "/", "--wsgi-file", "streaming.py"),
                new Example(Files.readString(EXAMPLES.resolve("download.py")), "/", "--wsgi-file", "download.py"),
                new Example("{\"greeting\":\"hello you\"}\n", "/hello/you", "--wsgi-file", "flask_app.py", "--callable", "app"),
                new Example("{\"hello\": \"from django on uwsgi4j\"}", "/", "--module", "django_app", "--pythonpath", "."))) {
            List<String> args = new ArrayList<>(List.of("--http-socket", "127.0.0.1:0"));
            args.addAll(List.of(e.args()));
            try (var server = UwsgiProcess.start(EXAMPLES, args.toArray(String[]::new))) {
                assertEquals(e.expected(), get(serve(server, 1), e.target()).text(), String.join(" ", e.args()));
            }
        }
    }

    @Test
    void pyargvOptimizeImportsAndEval() throws Exception {
        Path app = app("pyoptions.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--pyargv", "one two", "--optimize", "2", "--import", "colorsys", "--shared-import", "fractions")) {
            int port = serve(server, 1);
            assertEquals("argv=uwsgi one two optimize=2 imported=colorsys,fractions", get(port, "/").text());
        }
        String code = "def application(e, sr):\n    sr('200 OK', [('Content-Type', 'text/plain')])\n    return [b'from eval']\n";
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--eval", code)) {
            int port = serve(server, 1);
            assertEquals("from eval", get(port, "/").text());
        }
    }
}
