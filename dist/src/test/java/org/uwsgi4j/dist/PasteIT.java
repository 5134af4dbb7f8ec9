package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --paste} and {@code --paste-logger} through the real distribution with Debian's
 * PasteDeploy: the app an ini's factory builds, preforked and with {@code --lazy-apps}, logging
 * configured from the ini, and configs that cannot load (one line, status 22 with
 * {@code --need-app}).
 */
class PasteIT {

    private static final Path APPS = Path.of("src/test/resources/apps/python/paste").toAbsolutePath();

    @TempDir
    Path cwd;

    @BeforeEach
    void copyApp() throws Exception {
        UwsgiProcess.copyApp(APPS, "app.ini", cwd);
        UwsgiProcess.copyApp(APPS, "pasteapp.py", cwd);
    }

    @Test
    void aPasteConfigServesItsAppAndPasteLoggerConfiguresLoggingFromIt() throws Exception {
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--paste", "config:app.ini",
                "--paste-logger", "--master", "--processes", "2")) {
            int port = server.httpPort();
            server.workerPid(1);
            server.workerPid(2);
            String body = RawHttp.get(port, "/").text();
            assertTrue(body.startsWith("bonjour from " + cwd.resolve("app.ini") + " (pid "), body);
            server.awaitLine("^Loading paste environment: config:app\\.ini$", Duration.ofSeconds(5));
            server.awaitLine("^PASTELOG INFO pasteapp: factory called with greeting=bonjour$", Duration.ofSeconds(5));
            server.awaitLine("WSGI app 0 \\(mountpoint=''\\) from paste config:app\\.ini ready", Duration.ofSeconds(5));
            assertEquals(1, server.output().split("PASTELOG", -1).length - 1, "preforking: loaded once" + server.output());
        }
    }

    @Test
    void lazyWorkersEachLoadThePasteAppAndWithoutPasteLoggerLoggingIsLeftAlone() throws Exception {
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--paste",
                "config:" + cwd.resolve("app.ini") + "#main", "--master", "--processes", "2", "--lazy-apps")) {
            int port = server.httpPort();
            server.workerPid(1);
            server.workerPid(2);
            // bursts of 8 at once: one request at a time would all go to the core that waited last
            // (the kernel wakes the latest waiter of an epoll set first: docs/architecture.md)
            Set<String> pids = new HashSet<>();
            for (int burst = 0; burst < 10 && pids.size() < 2; burst++) {
                List<CompletableFuture<RawHttp.Response>> answers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    answers.add(RawHttp.inBackground(() -> RawHttp.get(port, "/")));
                }
                for (var answer : answers) {
                    String body = answer.get(30, TimeUnit.SECONDS).text();
                    assertTrue(body.startsWith("bonjour from " + cwd.resolve("app.ini")), body);
                    pids.add(body.substring(body.lastIndexOf("(pid ")));
                }
            }
            assertEquals(2, pids.size(), "both lazy workers serve the paste app: " + pids);
            assertFalse(server.output().contains("PASTELOG"), server.output());
        }
    }

    @Test
    void aPasteConfigThatCannotLoadIsOneLineAndNeedAppExits22() throws Exception {
        var missing = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--paste", "config:nope.ini", "--need-app");
        assertEquals(22, missing.exitCode(), missing.output());
        assertTrue(missing.lines().contains("!!! WSGI app 0 (mountpoint='') from paste config:nope.ini failed to load: "
                + "no such paste config file: " + cwd.resolve("nope.ini") + " !!!"), missing.output());
        assertFalse(missing.output().contains("Traceback"), missing.output());

        var broken = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--paste", "config:app.ini#broken", "--need-app");
        assertEquals(22, broken.exitCode(), broken.output());
        assertTrue(broken.lines().contains("!!! WSGI app 0 (mountpoint='') from paste config:app.ini#broken failed to load: "
                + "RuntimeError: the factory refuses: no database (" + cwd.resolve("pasteapp.py") + " line 16) !!!"),
                broken.output());
        assertTrue(broken.output().contains("Traceback"), "the factory's own error keeps its traceback" + broken.output());
    }
}
