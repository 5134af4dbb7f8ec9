package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --add-header} (repeatable) on every response the kernel writes, as real uWSGI 2.0.21
 * does: the app's responses on an HTTP socket and on a uwsgi socket, static files, and so what
 * the embedded router ({@code --http}) relays; after the app's own headers (an app header of the
 * same name stays), counted in the request log's "N headers in M bytes". A value that is no
 * header line refuses the start in one line.
 */
class AddHeaderIT {

    private static final Path APPS = Path.of("src/test/resources/apps/python").toAbsolutePath();

    @TempDir
    Path cwd;

    @Test
    void everyResponseTheKernelWritesCarriesTheHeadersInOrder() throws Exception {
        UwsgiProcess.copyApp(APPS, "router.py", cwd);
        Path www = Files.createDirectories(cwd.resolve("www"));
        Files.writeString(www.resolve("a.txt"), "static\n");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--socket", "127.0.0.1:0", "--http", "127.0.0.1:0",
                "--wsgi-file", "router.py", "--static-map", "/s=" + www, "--add-header", "X-A: one", "--add-header", "X-B:   two")) {
            int port = server.httpPort();
            int uwsgiPort = Integer.parseInt(server.awaitLine("uwsgi socket 1 bound to TCP address 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            int router = Integer.parseInt(server.awaitLine("uWSGI http bound on 127\\.0\\.0\\.1:(\\d+)", UwsgiProcess.START_TIMEOUT).group(1));
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);

            String app = RawHttp.getRaw(port, "/");
            assertTrue(app.startsWith("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nX-A: one\r\nX-B: two\r\n"), app);
            server.awaitLine("GET / => generated 11 bytes in \\d+ msecs \\(HTTP/1\\.1 200\\) 4 headers in 85 bytes", UwsgiProcess.START_TIMEOUT);
            String file = RawHttp.getRaw(port, "/s/a.txt");
            assertTrue(file.startsWith("HTTP/1.1 200 OK\r\n") && file.contains("\r\nX-A: one\r\nX-B: two\r\n") && file.endsWith("\r\n\r\nstatic\n"), file);
            String viaUwsgi = UwsgiRequest.get(uwsgiPort, "/");
            assertTrue(viaUwsgi.contains("\r\nX-A: one\r\nX-B: two\r\n\r\nHello World"), viaUwsgi);
            String viaUwsgiStatic = UwsgiRequest.get(uwsgiPort, "/s/a.txt");
            assertTrue(viaUwsgiStatic.contains("\r\nX-A: one\r\nX-B: two\r\n\r\nstatic\n"), viaUwsgiStatic);
            String viaRouter = RawHttp.getRaw(router, "/");
            assertEquals(1, count(viaRouter, "\r\nX-A: one\r\n"), "once, from the kernel's uwsgi socket, not again from the router:\n" + viaRouter);
            assertTrue(viaRouter.contains("\r\nX-B: two\r\n"), viaRouter);
        }
    }

    @Test
    void aValueThatIsNoHeaderLineRefusesTheStart() throws Exception {
        var result = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--plugins", "echo", "--add-header", "NoColon");
        assertNotEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("add-header \"NoColon\": not a \"Name: value\" header line"), result.output());
        assertTrue(!result.output().contains("Exception"), result.output());
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
