package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static files served by the kernel (issue 23 item 3; docs/static.md), through the real
 * distribution, on an HTTP socket and a uwsgi socket: 200 with uWSGI's headers, 304, HEAD, 206,
 * 416, the index of a directory, skipped extensions, Expires, the gzip variant decoded by curl,
 * every way out of the mapped directory (403; NUL 400), a symlink into a {@code --static-safe}
 * directory, and what falls through to the app (a missing file, POST, a skipped extension);
 * the uwsgi socket answered directly and through real nginx's {@code uwsgi_pass}.
 */
class StaticFilesIT {

    private static final String APP = """
            def application(env, start_response):
                start_response('200 OK', [('Content-Type', 'text/plain')])
                return [('app ' + env['REQUEST_METHOD'] + ' ' + env['PATH_INFO']).encode()]
            """;

    @TempDir
    Path cwd;

    @Test
    void servesMappedFilesAndNothingOutsideThem() throws Exception {
        Path www = Files.createDirectories(cwd.resolve("www"));
        Files.writeString(www.resolve("a.txt"), "hello\n");
        Files.writeString(www.resolve("code.py"), "print('secret')\n");
        Files.createDirectories(www.resolve("sub"));
        Files.writeString(www.resolve("sub/index.html"), "<h1>i</h1>\n");
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(www.resolve("big.css.gz")))) {
            gz.write("body { color: red }\n".repeat(50).getBytes(StandardCharsets.US_ASCII));
        }
        Files.writeString(www.resolve("big.css"), "body { color: red }\n".repeat(50));
        Files.writeString(cwd.resolve("secret.txt"), "secret\n");
        Files.createSymbolicLink(www.resolve("out"), cwd.resolve("secret.txt"));
        Path safe = Files.createDirectories(cwd.resolve("shared"));
        Files.writeString(safe.resolve("s.txt"), "shared\n");
        Files.createSymbolicLink(www.resolve("safe"), safe.resolve("s.txt"));
        Files.writeString(cwd.resolve("app.py"), APP);
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--socket", "127.0.0.1:0",
                "--plugins", "python3", "--wsgi-file", "app.py", "--static-map", "/static=" + www,
                "--static-index", "index.html", "--static-skip-ext", ".py", "--static-safe", safe.toString(),
                "--static-expires-type", "text/html=3600", "--static-gzip-ext", ".css")) {
            int port = server.httpPort();
            int uwsgiPort = Integer.parseInt(server.awaitLine("uwsgi socket 1 bound to TCP address 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            server.awaitLine("\\[uwsgi-static\\] added mapping for /static => ", UwsgiProcess.START_TIMEOUT);
            server.awaitLine("spawned uWSGI worker 1 ", UwsgiProcess.START_TIMEOUT);

            // 200 with uWSGI's headers, twice on one kept-alive connection; logged as uWSGI logs static files
            RawHttp.Response ok;
            try (var http = new RawHttp(port)) {
                ok = http.send("GET /static/a.txt HTTP/1.1\r\nHost: x\r\n\r\n").read();
                assertEquals(200, ok.status());
                assertEquals("hello\n", ok.text());
                assertEquals("text/plain", ok.headers().get("content-type"));
                assertEquals("6", ok.headers().get("content-length"));
                assertNotNull(ok.headers().get("last-modified"));
                assertEquals("hello\n", http.send("GET /static/a.txt HTTP/1.1\r\nHost: x\r\n\r\n").read().text());
            }
            server.awaitLine("\\[pid: \\d+\\|app: -1\\|req: -1/\\d+\\] 127\\.0\\.0\\.1 .* GET /static/a\\.txt => generated 6 bytes in \\d+ msecs via sendfile\\(\\) \\(HTTP/1\\.1 200\\) .*\\(0 switches on core 0\\)",
                    UwsgiProcess.START_TIMEOUT);
            // 304: If-Modified-Since not older than the file
            var notModified = request(port, "GET /static/a.txt", "If-Modified-Since: " + ok.headers().get("last-modified"));
            assertEquals(304, notModified.status());
            assertEquals(200, request(port, "GET /static/a.txt", "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT").status());
            // HEAD: the headers of the GET, no body
            try (var http = new RawHttp(port)) {
                var head = http.send("HEAD /static/a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read(true);
                assertEquals(200, head.status());
                assertEquals("6", head.headers().get("content-length"));
                assertTrue(http.closedByServer(), "no body after the head");
            }
            // Range: 206 with Content-Range, 416 past the end
            var partial = request(port, "GET /static/a.txt", "Range: bytes=1-3");
            assertEquals(206, partial.status());
            assertEquals("ell", partial.text());
            assertEquals("bytes 1-3/6", partial.headers().get("content-range"));
            assertEquals("lo\n", request(port, "GET /static/a.txt", "Range: bytes=-3").text());
            var unsatisfiable = request(port, "GET /static/a.txt", "Range: bytes=6-");
            assertEquals(416, unsatisfiable.status());
            assertEquals("bytes */6", unsatisfiable.headers().get("content-range"));
            // a directory: its --static-index, with or without the slash; Expires by type
            var index = request(port, "GET /static/sub", null);
            assertEquals("<h1>i</h1>\n", index.text());
            assertEquals("text/html", index.headers().get("content-type"));
            assertNotNull(index.headers().get("expires"));
            assertNull(ok.headers().get("expires"), "text/plain has no --static-expires-type");
            assertEquals("<h1>i</h1>\n", request(port, "GET /static/sub/", null).text());
            // gzip: the precompressed variant for a client that takes it, decoded by curl
            var curl = new ProcessBuilder("curl", "-s", "--compressed", "-D", "-", "http://127.0.0.1:" + port + "/static/big.css")
                    .redirectErrorStream(true).start();
            String curled = new String(curl.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(curl.waitFor(20, TimeUnit.SECONDS));
            assertTrue(curled.contains("Content-Encoding: gzip"), curled);
            assertTrue(curled.endsWith("body { color: red }\n".repeat(50)), curled);
            var plain = request(port, "GET /static/big.css", null);
            assertNull(plain.headers().get("content-encoding"));
            assertEquals("Accept-Encoding", plain.headers().get("vary"));
            assertEquals(1000, plain.body().length);
            // no way out of the mapped directory
            assertEquals(403, request(port, "GET /static/../app.py", null).status());
            assertEquals(403, request(port, "GET /static/%2e%2e/app.py", null).status());
            assertEquals(403, request(port, "GET /static/sub/%2E%2E/%2e%2e/secret.txt", null).status());
            assertEquals(400, request(port, "GET /static/a.txt%00.png", null).status());
            assertEquals(403, request(port, "GET /static/out", null).status());
            server.awaitLine("\\[uwsgi-fileserve\\] security error: .*secret\\.txt is not under .*www or a safe path",
                    UwsgiProcess.START_TIMEOUT);
            assertEquals("shared\n", request(port, "GET /static/safe", null).text());
            // what falls through to the app
            assertEquals("app GET /static/nope", request(port, "GET /static/nope", null).text());
            assertEquals("app GET /static/code.py", request(port, "GET /static/code.py", null).text());
            assertEquals("app POST /static/a.txt", request(port, "POST /static/a.txt", "Content-Length: 0").text());
            assertEquals("app GET /other", request(port, "GET /other", null).text());

            // the uwsgi socket (nginx's uwsgi_pass) gets static files too
            String viaUwsgi = UwsgiRequest.get(uwsgiPort, "/static/a.txt");
            assertTrue(viaUwsgi.startsWith("HTTP/1.1 200 OK\r\n"), viaUwsgi);
            assertTrue(viaUwsgi.endsWith("\r\n\r\nhello\n"), viaUwsgi);
            assertTrue(UwsgiRequest.get(uwsgiPort, "/static/../app.py").startsWith("HTTP/1.1 403 "));
            assertEquals("", UwsgiRequest.get(uwsgiPort, "/static/a.txt\0.png"), "a NUL in a var: the packet is refused, as uWSGI does");
            assertTrue(UwsgiRequest.get(uwsgiPort, "/static/nope").endsWith("app GET /static/nope"));
            try (var nginx = Nginx.start(cwd, uwsgiPort, "")) { // real nginx, uwsgi_pass
                var proxied = RawHttp.get(nginx.port, "/static/sub/");
                assertEquals(200, proxied.status());
                assertEquals("<h1>i</h1>\n", proxied.text());
                assertEquals("text/html", proxied.headers().get("content-type"));
                assertEquals(403, RawHttp.get(nginx.port, "/static/out").status());
            }
            assertFalse(server.output().contains("Traceback"));
        }
    }

    @Test
    void aMappingToAMissingDirectoryStopsTheStart() throws Exception {
        Files.writeString(cwd.resolve("app.py"), APP);
        var result = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--plugins", "python3", "--wsgi-file", "app.py",
                "--static-map", "/static=" + cwd.resolve("missing"));
        assertEquals(1, result.exitCode());
        assertTrue(result.output().contains("static-map /static=" + cwd.resolve("missing") + ": no such directory or file"),
                result.output());
    }

    /** One request on its own connection ({@code extra}: one more header line, or null). */
    private static RawHttp.Response request(int port, String requestLine, String extra) throws Exception {
        try (var http = new RawHttp(port)) {
            http.send(requestLine + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + (extra == null ? "" : extra + "\r\n") + "\r\n");
            return http.read(false);
        }
    }
}
