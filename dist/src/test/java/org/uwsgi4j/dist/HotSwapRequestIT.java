package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runtime bundle dropped in while the server runs answers requests at once; once it is
 * deleted, its modifier is unavailable once the swap grace passes: uWSGI's log line and a 502,
 * and the server goes on.
 */
class HotSwapRequestIT {

    @TempDir
    Path cwd;

    @Test
    void droppedInRuntimeServesAndItsRemovalGives502() throws Exception {
        Path bundles = Files.createDirectory(cwd.resolve("drop"));
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--http-socket-modifier1", "101",
                "--plugin-swap-grace", "1", "--bundles-dir", bundles.toString())) {
            int port = Integer.parseInt(server.awaitLine("uwsgi socket 0 bound to TCP address 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            // the drop-in directory is watched from this line on (after the ready line)
            server.awaitLine("bundles-dir: watching ", UwsgiProcess.START_TIMEOUT);

            try (var http = new RawHttp(port)) {
                assertEquals(502, http.send("GET /before HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
            }
            server.awaitLine("^-- unavailable modifier requested: 101 --$", Duration.ofSeconds(5));

            Path jar = bundles.resolve("echo.jar");
            Files.copy(UwsgiProcess.DIST.resolve("plugins/plugin-echo.jar"), jar);
            server.awaitLine("bundles-dir: started org\\.uwsgi4j\\.plugin-echo", Duration.ofSeconds(2));
            try (var http = new RawHttp(port)) {
                var r = http.send("GET /during HTTP/1.1\r\nHost: x\r\n\r\n").read();
                assertEquals(200, r.status());
                assertTrue(r.text().contains("PATH_INFO: /during\n"), r.text());
            }

            Files.delete(jar);
            server.awaitLine("bundles-dir: uninstalled org\\.uwsgi4j\\.plugin-echo", Duration.ofSeconds(2));
            try (var http = new RawHttp(port)) {
                var r = http.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n").read();
                assertEquals(502, r.status());
                // and the same connection still serves (the request was complete)
                assertEquals(502, http.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
            }
            assertTrue(server.isAlive());
        }
    }
}
