package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The busyness cheaper algorithm (plugin cheaper_busyness, autoloaded by --cheaper-algo
 * busyness) on the real distribution with real CPython workers: a load that keeps the workers
 * busy grows the pool a worker at a time, the stats server and uwsgi:workers show each
 * worker's busyness, the bundle is uninstalled (the pool falls back to spare with uWSGI's line)
 * and installed again (busyness resumes) under load without a failed request, and a quiet
 * pool is cheaped back to --cheaper.
 */
class BusynessIT {

    private static final Path APPS = Path.of("src/test/resources/apps").toAbsolutePath();
    private static final Duration CYCLES = Duration.ofSeconds(30);
    private static final String STATS = """
            for c in d.get("cheaper", []):
                print("pool", c["modifier1"], c["algo"], c["decision"], c.get("avg_busyness", "-"), c.get("multiplier", "-"))
            for w in d["workers"]:
                print("worker", w["id"], w["status"], w.get("cheaper", {}).get("busyness", "-"))
            """;

    @TempDir
    Path cwd;

    @Test
    void growsUnderLoadSurvivesItsBundleGoingAndComingBackAndCheapsWhenQuiet() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "busy.py", cwd);
        Path socket = cwd.resolve("shell.sock");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "4", "--cheaper", "1", "--cheaper-algo", "busyness", "--cheaper-overload", "1",
                "--cheaper-busyness-multiplier", "2", "--stats", "127.0.0.1:0", "--shell-socket", socket.toString())) {
            int port = server.httpPort();
            int stats = Integer.parseInt(server.awaitLine("Stats server enabled on 127\\.0\\.0\\.1:(\\d+)", UwsgiProcess.START_TIMEOUT).group(1));
            var shell = new Shell(cwd, server.awaitShell());
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            server.awaitLine("^\\[busyness\\] settings: min=25%, max=50%, overload=1, multiplier=2, respawn penalty=2$", CYCLES);
            server.awaitLine("^\\[busyness\\] backlog alert is set to 33 request\\(s\\), step is 1$", CYCLES);

            // four clients in a loop on a 0.2 s request: a worker at a time until all four run
            var load = Load.start(port, 4, "/sleep");
            for (int id = 2; id <= 4; id++) {
                server.workerPid(id);
            }
            server.awaitLine("^\\[busyness\\] 1s average busyness is at \\d+% but we already started maximum number of"
                    + " workers available with current limits \\(4\\)$", CYCLES);
            assertEquals(3, count(server, "\\[busyness\\] 1s average busyness is at \\d+%, will spawn 1 new worker\\(s\\)"),
                    server.output());
            assertEquals(0, count(server, "\\[busyness\\] .*will spawn ([02-9]|\\d\\d+) new worker\\(s\\)"), "step by step");
            List<String> doc = stats(stats);
            assertTrue(doc.stream().anyMatch(l -> l.matches("pool 0 busyness -?\\d+ \\d+ 2")), doc.toString());
            assertEquals(4, doc.stream().filter(l -> l.matches("worker \\d (idle|busy) \\d+")).count(), doc.toString());
            var workers = shell.run("uwsgi:workers");
            assertEquals(0, workers.exitCode(), workers.output());
            assertTrue(workers.lines().stream().anyMatch(l -> l.matches("0\\s+4\\s+\\d+\\s+(idle|busy)\\s+\\d+\\s+0\\s+\\d+\\s+busyness=\\d+")),
                    workers.output());
            assertTrue(workers.lines().stream().anyMatch(l -> l.matches("cheaper \\(modifier1 0\\): algo=busyness decision=-?\\d+ avg_busyness=\\d+ .*")),
                    workers.output());

            // the bundle goes: spare decides, with uWSGI's line; it comes back: busyness starts again
            var uninstalled = shell.run("uninstall org.uwsgi4j.plugin-cheaper-busyness");
            assertEquals(0, uninstalled.exitCode(), uninstalled.output());
            server.awaitLine("^unable to find requested cheaper algorithm, falling back to spare$", CYCLES);
            load.awaitMore(8);
            awaitStats(stats, l -> l.matches("pool 0 spare -?\\d+ - -"));
            var installed = shell.run("install -s " + UwsgiProcess.DIST.resolve("plugins/plugin-cheaper-busyness.jar"));
            assertEquals(0, installed.exitCode(), installed.output());
            server.awaitLine("^cheaper algorithm busyness registered: using it$", CYCLES);
            awaitCount(server, "\\[busyness\\] settings: .*", 2);
            awaitStats(stats, l -> l.matches("pool 0 busyness -?\\d+ \\d+ 2"));
            load.awaitMore(8);
            assertEquals(List.of(), load.stop(), "no request failed while the algorithm changed");

            // quiet: a worker every two idle seconds, down to --cheaper
            server.awaitLine("^\\[busyness\\] 1s average busyness is at \\d+%, cheap one of 2 running workers$", CYCLES);
            awaitStats(stats, l -> l.matches("worker \\d cheap -"), 3);
            assertEquals(1, stats(stats).stream().filter(l -> l.matches("worker \\d (idle|busy) \\d+")).count());
            assertEquals(200, RawHttp.get(port, "/").status());
            assertTrue(server.isAlive());
            assertEquals(0, count(server, ".*cheap one of 1 running workers.*"), "never the last one");
        }
    }

    @Test
    void aBadValueRefusesTheStartInOneLine() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "busy.py", cwd);
        var result = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(), "--master",
                "--processes", "2", "--cheaper", "1", "--cheaper-algo", "busyness", "--cheaper-busyness-min", "60");
        assertEquals(1, result.exitCode(), result.output());
        assertEquals("!!! UNABLE to start uWSGI plugin cheaper_busyness: --cheaper-busyness-min 60 is above"
                + " --cheaper-busyness-max 50 !!!", result.lines().getLast());
        assertTrue(result.lines().stream().noneMatch(l -> l.startsWith("\tat ")), result.output());
        // the options are checked before anything starts: no socket, no worker, so nothing to stop after the line
        assertTrue(result.lines().stream().noneMatch(l -> l.contains(" bound to ") || l.contains("Operational MODE")
                || l.contains("spawned uWSGI")), result.output());
    }

    private static List<String> stats(int port) throws IOException, InterruptedException {
        return StatsReader.python(port, STATS).lines().toList();
    }

    /** Polls (bounded) the stats until one line matches. */
    private static void awaitStats(int port, Predicate<String> line) throws IOException, InterruptedException {
        awaitStats(port, line, 1);
    }

    /** Polls (bounded) the stats until {@code n} lines match. */
    private static void awaitStats(int port, Predicate<String> line, int n) throws IOException, InterruptedException {
        List<String> doc = stats(port);
        for (long deadline = System.nanoTime() + CYCLES.toNanos(); doc.stream().filter(line).count() < n; doc = stats(port)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the stats never showed it: " + doc);
            }
            Thread.sleep(100); // polling the stats server, bounded by the deadline
        }
    }

    private static long count(UwsgiProcess server, String regex) {
        Pattern p = Pattern.compile(regex);
        return server.output().lines().filter(l -> p.matcher(l).matches()).count();
    }

    /** Waits (bounded) until {@code regex} matched {@code n} lines of the server's output. */
    private static void awaitCount(UwsgiProcess server, String regex, int n) throws InterruptedException {
        for (long deadline = System.nanoTime() + CYCLES.toNanos(); count(server, regex) < n; ) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(n + " lines /" + regex + "/ never came: " + server.output());
            }
            Thread.sleep(50); // polling the collected output, bounded by the deadline
        }
    }
}
