package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * uWSGI's signals end to end with a Python app that uses Debian's {@code uwsgidecorators}
 * unchanged ({@code @postfork}, {@code @signal}, {@code @timer}, {@code @cron}, {@code @filemon}):
 * its handlers write files the test reads (and one for the option {@code --timer}); a signal for {@code workers} is handled once by each
 * worker; a failing handler and an unregistered signal are uWSGI's log line and the workers serve
 * on; the shell's {@code uwsgi:signal} raises one and {@code uwsgi:signals} counts it. The
 * {@code @cron} runs on the test's clock ({@link TestClock}).
 */
class SignalsIT {

    private static final Path APPS = Path.of("src/test/resources/apps/python").toAbsolutePath();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path cwd;

    @Test
    void uwsgidecoratorsHandlersRunInTheWorkers() throws Exception {
        Path out = Files.createDirectories(cwd.resolve("out/watched"));
        out = out.getParent();
        TestClock clock = new TestClock(cwd, Instant.parse("2026-01-07T10:00:30Z"));
        Path app = UwsgiProcess.copyApp(APPS, "decorators.py", cwd);
        try (var server = UwsgiProcess.start(cwd, Map.of("OUT", out.toString()), CronIT.concat(clock.options(),
                "--plugins", "python3,cron", "--master", "--processes", "2", "--http-socket", "127.0.0.1:0",
                "--wsgi-file", app.toString(), "--timer", "19 1", "--shell-socket", cwd.resolve("shell.sock").toString()))) {
            int port = server.httpPort();
            server.workerPid(1);
            server.workerPid(2);
            awaitLines(out.resolve("postfork"), List.of("1", "2"));
            awaitLines(out.resolve("cron"), List.of("1"));
            awaitCount(out.resolve("timer"), 2);
            awaitCount(out.resolve("timer-option"), 2);

            assertEquals(200, get(port, "17").statusCode());
            awaitLines(out.resolve("workers-17"), List.of("1", "2"));

            get(port, "18");
            server.awaitLine("error managing signal 18 on worker [12]: ValueError: handler failed on purpose .*", WAIT);
            get(port, "40");
            server.awaitLine("error managing signal 40 on worker [12]: .*", WAIT);

            Files.writeString(out.resolve("watched/new-file"), "x");
            awaitCount(out.resolve("filemon"), 1);

            clock.set(Instant.parse("2026-01-07T10:01:00Z"));
            awaitCount(out.resolve("cron"), 2);

            Shell shell = new Shell(cwd, server.awaitShell());
            assertEquals("signal 17 raised", shell.run("uwsgi:signal 17").output().strip());
            awaitLines(out.resolve("workers-17"), List.of("1", "1", "2", "2"));
            // raised twice (HTTP, shell), handled four times; the handlers wrote before their END: ask again until counted
            for (long deadline = System.nanoTime() + WAIT.toNanos(); ; ) {
                String table = shell.run("uwsgi:signals").output();
                if (table.lines().anyMatch(l -> l.matches("17\\s+workers\\s+0\\s+0\\s+2\\s+4\\s*"))) {
                    break;
                }
                assertTrue(System.nanoTime() < deadline, table);
            }

            for (int i = 0; i < 4; i++) {
                assertEquals(200, get(port, "").statusCode(), "the workers serve on");
            }
            assertEquals(List.of("1", "1", "2", "2"), sorted(out.resolve("workers-17")), "once by each worker per raise, no more");
            assertEquals(List.of("1", "2"), sorted(out.resolve("postfork")));
        }
    }

    private static HttpResponse<String> get(int port, String query) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/?" + query)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    private static List<String> sorted(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).stream().sorted().toList() : List.of();
    }

    /** Waits (bounded) until {@code file} holds {@code lines}, in any order. */
    private static void awaitLines(Path file, List<String> lines) throws Exception {
        for (long deadline = System.nanoTime() + WAIT.toNanos(); !sorted(file).equals(lines); ) {
            assertTrue(System.nanoTime() < deadline, file + ": expected " + lines + ", got " + sorted(file));
            Thread.sleep(20); // polling the handlers' file, bounded by the deadline
        }
    }

    /** Waits (bounded) until {@code file} has at least {@code n} lines. */
    private static void awaitCount(Path file, int n) throws Exception {
        for (long deadline = System.nanoTime() + WAIT.toNanos(); sorted(file).size() < n; ) {
            assertTrue(System.nanoTime() < deadline, file + ": expected " + n + " lines, got " + sorted(file));
            Thread.sleep(20); // polling the handlers' file, bounded by the deadline
        }
    }
}
