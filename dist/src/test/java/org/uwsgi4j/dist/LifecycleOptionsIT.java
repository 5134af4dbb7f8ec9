package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker life-cycle and request-body options that had no end-to-end test (issue 23 item 8):
 * --max-worker-lifetime, --worker-reload-mercy, --reload-mercy, --touch-workers-reload, --touch-chain-reload,
 * --http-chunked-input and --body-read-warning, on the real distribution.
 */
class LifecycleOptionsIT {

    private static final Path APPS = Path.of("src/test/resources/apps").toAbsolutePath();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path cwd;

    private Path app() throws Exception {
        return UwsgiProcess.copyApp(APPS, "faults.py", cwd);
    }

    /** Moves {@code file}'s modification time 5 s ahead: seen as touched whatever the file system's time granularity. */
    private static void touchAhead(Path file) throws Exception {
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    }

    @Test
    void maxWorkerLifetimeRecyclesTheWorkerGracefully() throws Exception {
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app().toString(),
                "--master", "--processes", "1", "--max-worker-lifetime", "1")) {
            int port = server.httpPort();
            long pid = server.workerPid(1);
            server.awaitLine("worker 1 \\(pid: " + pid + "\\) reached --max-worker-lifetime: recycling it", WAIT);
            long next = Long.parseLong(server.awaitLine("Respawned uWSGI worker 1 \\(new pid: (\\d+)\\)", WAIT).group(1));
            assertNotEquals(pid, next);
            assertTrue(!server.output().contains("DAMN"), server.output());
            assertEquals(200, RawHttp.get(port, "/").status());
        }
    }

    @Test
    void workerReloadMercyKillsARecycledWorkerWhoseRequestOutlastsIt() throws Exception {
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app().toString(),
                "--master", "--processes", "1", "--max-worker-lifetime", "1", "--worker-reload-mercy", "1")) {
            int port = server.httpPort();
            long pid = server.workerPid(1);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            Path marker = cwd.resolve("never");
            var held = RawHttp.inBackground(() -> RawHttp.get(port, "/wait?f=" + marker));
            UwsgiProcess.awaitFile(Path.of(marker + ".started"));
            server.awaitLine("worker 1 \\(pid: " + pid + "\\) reached --max-worker-lifetime: recycling it", WAIT);
            server.awaitLine("worker 1 \\(pid: " + pid + "\\) did not stop within --worker-reload-mercy: killing it", WAIT);
            assertEquals(502, held.get(30, TimeUnit.SECONDS).status(), "the request in hand died with its worker");
            server.awaitLine("Respawned uWSGI worker 1 \\(new pid: \\d+\\)", WAIT);
        }
    }

    /**
     * {@code --reload-mercy} bounds the shutdown: a request that never ends is cut after it (1 s), long
     * before the 120 s of {@code --worker-reload-mercy}, which would otherwise apply.
     */
    @Test
    void reloadMercyBoundsTheShutdownOfAWorkerWhoseRequestNeverEnds() throws Exception {
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app().toString(),
                "--master", "--processes", "1", "--reload-mercy", "1", "--worker-reload-mercy", "120")) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            Path marker = cwd.resolve("never");
            var held = RawHttp.inBackground(() -> RawHttp.get(port, "/wait?f=" + marker));
            UwsgiProcess.awaitFile(Path.of(marker + ".started"));
            ProcessHandle.of(server.pid()).orElseThrow().destroy();
            assertEquals(0, server.awaitExit(Duration.ofSeconds(60)), server.output());
            assertTrue(held.handle((r, e) -> r == null || r.status() != 200).get(30, TimeUnit.SECONDS), "the request in hand was cut");
        }
    }

    @Test
    void touchWorkersReloadStartsANewGenerationThatServes() throws Exception {
        Path touch = Files.createFile(cwd.resolve("reload.touch"));
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app().toString(),
                "--master", "--processes", "1", "--touch-workers-reload", touch.toString())) {
            int port = server.httpPort();
            long pid = server.workerPid(1);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            touchAhead(touch);
            server.awaitLine("\\*\\*\\* " + java.util.regex.Pattern.quote(touch.toString()) + " has been touched\\.\\.\\. grace them all !!! \\*\\*\\*", WAIT);
            server.awaitLine("ready \\(generation 2, host pid: \\d+\\)", WAIT);
            server.awaitLine("worker 1 \\(pid: " + pid + "\\) stopped", WAIT);
            assertNotEquals(String.valueOf(pid), RawHttp.get(port, "/pid").text());
        }
    }

    @Test
    void touchChainReloadReplacesTheWorkersOneAtATimeWithLazyApps() throws Exception {
        Path touch = Files.createFile(cwd.resolve("chain.touch"));
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app().toString(),
                "--master", "--processes", "2", "--lazy-apps", "--touch-chain-reload", touch.toString())) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            touchAhead(touch);
            server.awaitLine("has been touched\\.\\.\\. chain reload !!!", WAIT);
            server.awaitLine("chain next victim is worker 1", WAIT);
            server.awaitLine("chain next victim is worker 2", WAIT);
            server.awaitLine("chain reloading complete", WAIT);
            assertEquals(200, RawHttp.get(port, "/").status());
        }
    }

    @Test
    void httpChunkedInputStreamsAChunkedBodyWithoutContentLength() throws Exception {
        String chunked = "POST /echoall HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        Path app = app();
        try (var streaming = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--http-chunked-input");
             var buffering = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString())) {
            int on = streaming.httpPort();
            int off = buffering.httpPort();
            try (var http = new RawHttp(on)) {
                assertEquals("-:hello world", http.send(chunked).read().text(), "streamed: no CONTENT_LENGTH, read to its end");
            }
            try (var http = new RawHttp(off)) {
                assertEquals("11:hello world", http.send(chunked).read().text(), "buffered by default: CONTENT_LENGTH set");
            }
        }
    }

    @Test
    void bodyReadWarningLogsABufferedBodyOverTheLimit() throws Exception {
        byte[] body = new byte[(1 << 20) + 4096];
        java.util.Arrays.fill(body, (byte) 'x');
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app().toString(),
                "--body-read-warning", "1")) {
            int port = server.httpPort();
            try (var http = new RawHttp(port)) {
                http.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n");
                var response = http.send(body).read();
                assertEquals(200, response.status());
                assertEquals(body.length, response.body().length);
            }
            server.awaitLine("\\[uwsgi-body-read\\] buffering a request body larger than 1 MiB", WAIT);
        }
    }
}
