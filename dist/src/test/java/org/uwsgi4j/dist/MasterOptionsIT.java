package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master's options around the workers' memory and the instance's process: --memory-report
 * (the request line and the stats), --reload-on-rss, --evil-reload-on-rss, with real CPython
 * workers that grow on request (apps/memory.py); --pidfile/--pidfile2; --honour-stdin.
 */
class MasterOptionsIT {

    private static final Path APPS = Path.of("src/test/resources/apps").toAbsolutePath();
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path cwd;

    private Path app(String name) throws Exception {
        return UwsgiProcess.copyApp(APPS, name, cwd);
    }

    private static RawHttp.Response get(int port, String path) throws Exception {
        return RawHttp.get(port, path);
    }

    private static String stats(int port) throws Exception {
        try (var s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            try (InputStream in = s.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }

    private static long number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\\s*(\\d+)").matcher(json);
        assertTrue(m.find(), "no " + key + " in " + json);
        return Long.parseLong(m.group(1));
    }

    @Test
    void memoryReportPutsTheServingWorkersRssAndVszInTheRequestLineAndTheStats() throws Exception {
        Path app = app("memory.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "1", "--memory-report", "--stats", "127.0.0.1:0")) {
            int port = server.httpPort();
            int statsPort = Integer.parseInt(server.awaitLine("Stats server enabled on 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            long pid = server.workerPid(1);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);

            assertEquals(String.valueOf(pid), get(port, "/pid").text());
            String memory = "\\{address space usage: (\\d+) bytes/(\\d+)MB\\} \\{rss usage: (\\d+) bytes/(\\d+)MB\\} ";
            Matcher before = server.awaitLine("^" + memory + "\\[pid: " + pid + "\\|app: 0\\|req: 1/1\\] .* GET /pid ", WAIT);
            long vsz = Long.parseLong(before.group(1));
            long rss = Long.parseLong(before.group(3));
            assertEquals(vsz >> 20, Long.parseLong(before.group(2)));
            assertEquals(rss >> 20, Long.parseLong(before.group(4)));
            assertTrue(rss > 1 << 20 && vsz > rss, before.group());

            assertEquals(200, get(port, "/grow?mb=64").status());
            Matcher after = server.awaitLine("^" + memory + "\\[pid: " + pid + "\\|app: 0\\|req: 2/2\\] .* GET /grow", WAIT);
            assertTrue(Long.parseLong(after.group(3)) >= rss + (60L << 20), after.group());

            String doc = stats(statsPort);
            long statsRss = number(doc, "rss");
            assertTrue(statsRss >= rss + (60L << 20) && number(doc, "vsz") > statsRss, doc);
        }
    }

    @Test
    void withoutMemoryReportTheLineHasNoMemoryAndTheStatsSayZero() throws Exception {
        Path app = app("memory.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "1", "--stats", "127.0.0.1:0")) {
            int port = server.httpPort();
            int statsPort = Integer.parseInt(server.awaitLine("Stats server enabled on 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            long pid = server.workerPid(1);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            get(port, "/pid");
            server.awaitLine("^\\[pid: " + pid + "\\|app: 0\\|req: 1/1\\] .* GET /pid ", WAIT);
            String doc = stats(statsPort);
            assertEquals(0, number(doc, "rss"));
            assertEquals(0, number(doc, "vsz"));
        }
    }

    @Test
    void reloadOnRssRecyclesTheWorkerGracefullyAfterTheRequestThatGrewIt() throws Exception {
        Path app = app("memory.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "1", "--reload-on-rss", "60")) {
            int port = server.httpPort();
            long pid = server.workerPid(1);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            assertEquals(String.valueOf(pid), get(port, "/pid").text()); // under the limit: kept

            var grown = get(port, "/grow?mb=80");
            assertEquals(200, grown.status());
            assertEquals(String.valueOf(pid), grown.text());
            server.awaitLine("^\\.\\.\\.The work of process " + pid + " is done\\. Seeya!$", WAIT);
            server.awaitLine("worker 1 killed successfully \\(pid: " + pid + "\\)", WAIT);
            long next = Long.parseLong(server.awaitLine("Respawned uWSGI worker 1 \\(new pid: (\\d+)\\)", WAIT).group(1));
            assertNotEquals(pid, next);
            assertEquals(String.valueOf(next), get(port, "/pid").text());
            assertTrue(!server.output().contains("DAMN"), server.output());
        }
    }

    @Test
    void evilReloadOnRssKillsTheWorkerFromTheMastersTick() throws Exception {
        Path app = app("memory.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "1", "--evil-reload-on-rss", "60")) {
            int port = server.httpPort();
            long pid = server.workerPid(1);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            assertEquals(String.valueOf(pid), get(port, "/pid").text());

            // the master's check, once a second, may kill the worker while it grows: then the request
            // gets its 502 and is not sent to another worker (it would grow that one too)
            int status = get(port, "/grow?mb=80").status();
            assertTrue(status == 200 || status == 502, "status " + status);
            long rss = Long.parseLong(server.awaitLine(
                    "\\*\\*\\* EVIL RELOAD ON WORKER 1 RSS: (\\d+) \\(pid: " + pid + "\\) \\*\\*\\*$", WAIT).group(1));
            assertTrue(rss >= 60L << 20, "rss " + rss);
            server.awaitLine("DAMN ! worker 1 \\(pid: " + pid + "\\) died, killed by signal 9 :\\( trying respawn \\.\\.\\.", WAIT);
            long next = Long.parseLong(server.awaitLine("Respawned uWSGI worker 1 \\(new pid: (\\d+)\\)", WAIT).group(1));
            assertEquals(String.valueOf(next), get(port, "/pid").text(), server.output());
            assertTrue(!server.output().contains("sending it to another worker"), server.output());
        }
    }

    @Test
    void pidfilesHoldTheMastersPidOnceTheSocketsAreBoundAndGoAtACleanExit() throws Exception {
        Path app = app("memory.py");
        Path pidfile = cwd.resolve("run/uwsgi.pid");
        Path pidfile2 = cwd.resolve("uwsgi2.pid");
        Files.createDirectories(pidfile.getParent());
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--pidfile", pidfile.toString(), "--pidfile2", pidfile2.toString())) {
            server.httpPort();
            server.awaitLine("^writing pidfile to " + Pattern.quote(pidfile.toString()) + "$", WAIT);
            server.awaitLine("^writing pidfile to " + Pattern.quote(pidfile2.toString()) + "$", WAIT);
            long pid = Long.parseLong(server.awaitLine("\\*\\*\\* uwsgi4j is ready in \\d+ ms \\(pid: (\\d+)\\)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            assertEquals(server.pid(), pid);
            server.workerPid(1); // the pool is up before the SIGTERM below
            assertEquals(pid + "\n", Files.readString(pidfile));
            assertEquals(pid + "\n", Files.readString(pidfile2));
            int bound = server.output().indexOf("uwsgi socket 0 bound");
            assertTrue(bound >= 0 && bound < server.output().indexOf("writing pidfile"), server.output());

            ProcessHandle.of(pid).orElseThrow().destroy(); // SIGTERM: a clean exit
            assertEquals(0, server.awaitExit(WAIT));
            assertTrue(!Files.exists(pidfile) && !Files.exists(pidfile2), server.output());
        }
    }

    @Test
    void workersReadDevNullUnlessHonourStdinGivesThemTheMastersStdin() throws Exception {
        Path app = app("memory.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master")) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            server.stdin().write("not for the workers\n".getBytes(StandardCharsets.UTF_8));
            server.stdin().flush();
            assertEquals("", get(port, "/stdin").text());
        }
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--honour-stdin")) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            server.stdin().write("from the terminal\n".getBytes(StandardCharsets.UTF_8));
            server.stdin().flush();
            assertEquals("from the terminal\n", get(port, "/stdin").text());
        }
    }
}
