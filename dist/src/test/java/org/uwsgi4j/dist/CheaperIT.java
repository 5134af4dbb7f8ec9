package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * uWSGI's cheaper mode with real CPython workers and the kernel's spare algorithm: the pool
 * starts with --cheaper workers, grows a worker at a time while every worker is busy, shrinks
 * back once they are idle, with uWSGI's log lines and stats statuses, and no request fails.
 */
class CheaperIT {

    private static final Path APPS = Path.of("src/test/resources/apps").toAbsolutePath();
    private static final Duration CYCLES = Duration.ofSeconds(20);

    @TempDir
    Path cwd;

    @Test
    void cheaperRssLimitHardCheapsWorkersDownToOneWhileTheirTotalIsOver() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "3", "--cheaper", "1", "--cheaper-initial", "3", "--cheaper-overload", "1",
                "--cheaper-rss-limit-soft", "1", "--cheaper-rss-limit-hard", "2", "--stats", "127.0.0.1:0")) {
            int port = server.httpPort();
            int stats = Integer.parseInt(server.awaitLine("Stats server enabled on 127\\.0\\.0\\.1:(\\d+)", UwsgiProcess.START_TIMEOUT).group(1));
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            // any worker is over a 2-byte limit: one is cheaped each cycle, but never the last one
            server.awaitLine("cheaper hard rss memory limit exceeded, cheap one of 3 workers", CYCLES);
            server.awaitLine("cheaper hard rss memory limit exceeded, cheap one of 2 workers", CYCLES);
            server.awaitLine("uWSGI worker \\d cheaped\\.", CYCLES);
            server.awaitLine("uWSGI worker \\d cheaped\\.", CYCLES);
            assertEquals(2, StatsReader.statuses(stats).stream().filter("cheap"::equals).count());
            assertEquals(200, RawHttp.get(port, "/").status());
            assertTrue(!server.output().contains("cheap one of 1 workers"), server.output());
        }
    }

    @Test
    void aHardRssLimitWithoutASoftOneBelowItRefusesTheStartAsUwsgiDoes() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        for (var c : List.of(
                List.of("--cheaper-rss-limit-hard", "1000000", "enabling cheaper-rss-limit-hard requires setting also cheaper-rss-limit-soft"),
                List.of("--cheaper-rss-limit-soft", "1000000", "--cheaper-rss-limit-hard", "1000000",
                        "cheaper-rss-limit-hard value must be higher than cheaper-rss-limit-soft value"))) {
            List<String> args = new java.util.ArrayList<>(List.of("--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                    "--master", "--processes", "2", "--cheaper", "1"));
            args.addAll(c.subList(0, c.size() - 1));
            var result = UwsgiProcess.run(cwd, args.toArray(String[]::new));
            assertEquals(1, result.exitCode(), result.output());
            assertEquals(c.getLast(), result.lines().getLast());
            assertTrue(result.lines().stream().noneMatch(l -> l.startsWith("\tat ") || l.contains(" bound to ")), result.output());
        }
    }

    @Test
    void cheaperRssLimitSoftKeepsABusyPoolFromGrowing() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "2", "--cheaper", "1", "--cheaper-overload", "1",
                "--cheaper-rss-limit-soft", String.valueOf(48L << 20), "--stats", "127.0.0.1:0")) {
            int port = server.httpPort();
            int stats = Integer.parseInt(server.awaitLine("Stats server enabled on 127\\.0\\.0\\.1:(\\d+)", UwsgiProcess.START_TIMEOUT).group(1));
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            // the one worker grows past the 48 MiB limit while idle: nothing to say yet
            assertEquals("grown", RawHttp.get(port, "/grow?mb=64").text());
            // now it is busy: spare would spawn worker 2 (the test below), the soft limit forbids it
            Path go = cwd.resolve("go");
            var held = RawHttp.inBackground(() -> RawHttp.get(port, "/wait?f=" + go));
            UwsgiProcess.awaitFile(Path.of(go + ".started"));
            server.awaitLine("^cheaper soft rss memory limit exceeded, can't spawn more workers$", CYCLES);
            // the cycle that logged it is the first to see the busy pool: it spawned nothing
            assertEquals(List.of("busy", "cheap"), StatsReader.statuses(stats));
            Files.createFile(go);
            assertEquals(200, held.get(30, TimeUnit.SECONDS).status());
        }
    }

    @Test
    void spareGrowsWhileAllWorkersAreBusyAndCheapsThemWhenIdle() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "3", "--cheaper", "1", "--cheaper-overload", "1", "--stats", "127.0.0.1:0")) {
            int port = server.httpPort();
            int stats = Integer.parseInt(server.awaitLine("Stats server enabled on 127\\.0\\.0\\.1:(\\d+)", UwsgiProcess.START_TIMEOUT).group(1));
            long first = server.workerPid(1);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            assertEquals(200, RawHttp.get(port, "/").status());
            assertEquals(List.of("idle", "cheap", "cheap"), StatsReader.statuses(stats));

            // worker 1 busy: every active worker is busy, so the spare algorithm spawns one more
            Path go1 = cwd.resolve("go1");
            var held1 = RawHttp.inBackground(() -> RawHttp.get(port, "/wait?f=" + go1));
            UwsgiProcess.awaitFile(Path.of(go1 + ".started"));
            long second = server.workerPid(2);
            // both busy: a third
            Path go2 = cwd.resolve("go2");
            var held2 = RawHttp.inBackground(() -> RawHttp.get(port, "/wait?f=" + go2));
            UwsgiProcess.awaitFile(Path.of(go2 + ".started"));
            long third = server.workerPid(3);
            assertEquals(3, List.of(first, second, third).stream().distinct().count());
            var rows = StatsReader.workers(stats);
            assertEquals(List.of(first, second, third), rows.stream().map(StatsReader.Row::pid).toList());
            assertEquals(2, rows.stream().filter(r -> r.status().equals("busy")).count(), rows.toString());

            // the load goes away: idle workers are cheaped, the one spawned first first, down to --cheaper
            Files.createFile(go1);
            Files.createFile(go2);
            assertEquals(200, held1.get(30, TimeUnit.SECONDS).status());
            assertEquals(200, held2.get(30, TimeUnit.SECONDS).status());
            server.awaitLine("worker 1 killed successfully \\(pid: " + first + "\\)", CYCLES);
            server.awaitLine("uWSGI worker 1 cheaped\\.", CYCLES);
            server.awaitLine("uWSGI worker 2 cheaped\\.", CYCLES);
            assertTrue(server.isAlive());
            rows = StatsReader.workers(stats);
            assertEquals(List.of("cheap", "cheap", "idle"), rows.stream().map(StatsReader.Row::status).toList());
            assertEquals(third, rows.get(2).pid());
            assertEquals(200, RawHttp.get(port, "/").status());
            assertEquals("hello from " + third, RawHttp.get(port, "/").text());

            // busy again: a cheaped slot is respawned, as uWSGI logs it
            Path go3 = cwd.resolve("go3");
            var held3 = RawHttp.inBackground(() -> RawHttp.get(port, "/wait?f=" + go3));
            UwsgiProcess.awaitFile(Path.of(go3 + ".started"));
            long again = Long.parseLong(server.awaitLine("Respawned uWSGI worker 1 \\(new pid: (\\d+)\\)", CYCLES).group(1));
            assertNotEquals(first, again);
            Files.createFile(go3);
            assertEquals(200, held3.get(30, TimeUnit.SECONDS).status());
        }
    }

    @Test
    void lazyAppsWithAnUnknownAlgorithmFallBackToSpare() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--lazy-apps", "--processes", "2", "--cheaper", "1", "--cheaper-algo", "nosuch", "--cheaper-overload", "1")) {
            int port = server.httpPort();
            server.workerPid(1);
            server.awaitLine("unable to find requested cheaper algorithm, falling back to spare", CYCLES);
            Path go = cwd.resolve("go");
            var held = RawHttp.inBackground(() -> RawHttp.get(port, "/wait?f=" + go));
            UwsgiProcess.awaitFile(Path.of(go + ".started"));
            long second = server.workerPid(2);
            assertEquals("hello from " + second, RawHttp.get(port, "/").text());
            Files.createFile(go);
            assertEquals(200, held.get(30, TimeUnit.SECONDS).status());
            server.awaitLine("uWSGI worker 1 cheaped\\.", CYCLES);
        }
    }

    @Test
    void aMinimumThatLeavesNoRoomIsRefusedAsInUwsgi() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        var result = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(), "--processes", "2", "--cheaper", "2");
        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("invalid cheaper value: must be lower than processes"), result.output());
        assertTrue(result.output().lines().noneMatch(l -> l.startsWith("\tat ")), result.output());
    }
}
