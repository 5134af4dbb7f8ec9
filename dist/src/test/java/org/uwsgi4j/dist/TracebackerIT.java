package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --py-tracebacker} through the real distribution: a worker held in a known function
 * of the app names it on its socket (read by the test and by {@code --connect-and-read}), an
 * idle worker sends the header alone, preforked and with {@code --lazy-apps}, and a respawned
 * worker replaces the socket file its killed predecessor left. The format is uWSGI 2.0.21's
 * (docs/plugins/python.md).
 */
class TracebackerIT {

    private static final Path APPS = Path.of("src/test/resources/apps/python").toAbsolutePath();
    private static final String HEADER = "*** uWSGI Python tracebacker output ***\n\n";

    @TempDir
    Path cwd;

    /** What the Unix socket {@code path} sends until it closes the connection. */
    private static String read(Path path) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            return new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** The lines a dump has for a request held in tracebacker.py, as uWSGI writes them. */
    private static void assertHeld(String dump, Path app, int worker, String where) {
        String thread = "thread_id = uWSGIWorker" + worker + "Core0 filename = " + app;
        assertTrue(dump.startsWith(HEADER), where + ":\n" + dump);
        assertTrue(dump.contains(thread + " lineno = 21 function = application line = "
                + "body = held_in_a_known_function(environ[\"QUERY_STRING\"].split(\"=\", 1)[1])\n"), where + ":\n" + dump);
        assertTrue(dump.contains(thread + " lineno = 8 function = held_in_a_known_function line = wait_for(release)\n"),
                where + ":\n" + dump);
        assertTrue(dump.matches("(?s).*" + java.util.regex.Pattern.quote(thread) + " lineno = 1[3-6] function = wait_for line = [^\n]+\n\n"),
                where + ": the innermost frame last, then a blank line:\n" + dump);
        assertTrue(dump.lines().noneMatch(l -> l.contains("uwsgi4j_worker.py")), "no frame of the worker host:\n" + dump);
    }

    /** Runs {@code bin/uwsgi4j --connect-and-read address}: its stdout alone, and its exit code. */
    private static UwsgiProcess.Result connectAndRead(String address) throws Exception {
        Process p = new ProcessBuilder(UwsgiProcess.DIST.resolve("bin/uwsgi4j").toString(), "--connect-and-read", address)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("--connect-and-read " + address + " did not exit");
        }
        return new UwsgiProcess.Result(p.exitValue(), out);
    }

    @Test
    void aBusyPreforkedWorkerNamesTheFunctionItIsInAndARespawnedOneTakesOverTheSocket() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "tracebacker.py", cwd);
        Path tb = cwd.resolve("tb");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "2", "--py-tracebacker", tb.toString())) {
            int port = server.httpPort();
            long pid1 = server.workerPid(1);
            server.workerPid(2);
            server.awaitLine("python tracebacker for worker 1 available on " + tb + "1$", Duration.ofSeconds(10));
            server.awaitLine("python tracebacker for worker 2 available on " + tb + "2$", Duration.ofSeconds(10));
            assertEquals(HEADER, read(Path.of(tb + "1")), "idle worker 1");
            assertEquals(HEADER, read(Path.of(tb + "2")), "idle worker 2");

            Path release = cwd.resolve("release");
            var held = RawHttp.inBackground(() -> RawHttp.get(port, "/hold?f=" + release));
            UwsgiProcess.awaitFile(Path.of(release + ".started"));
            String one = read(Path.of(tb + "1"));
            String two = read(Path.of(tb + "2"));
            int busy = one.equals(HEADER) ? 2 : 1;
            assertEquals(HEADER, busy == 1 ? two : one, "the other worker is idle");
            assertHeld(busy == 1 ? one : two, app, busy, "read by the test");

            var client = connectAndRead(tb.toString() + busy);
            assertEquals(0, client.exitCode(), client.output());
            assertHeld(client.output(), app, busy, "--connect-and-read");

            Files.createFile(release);
            assertEquals("released", held.get(20, TimeUnit.SECONDS).text());

            // worker 1 killed: its socket file stays behind; the respawned worker 1 replaces it
            ProcessHandle.of(pid1).orElseThrow().destroyForcibly();
            long respawned = Long.parseLong(server.awaitLine("Respawned uWSGI worker 1 \\(new pid: (\\d+)\\)",
                    Duration.ofSeconds(20)).group(1));
            assertNotEquals(pid1, respawned);
            assertEquals(HEADER, read(Path.of(tb + "1")), "the respawned worker 1 answers on " + tb + "1");
        }
    }

    @Test
    void lazyAppsWorkersDumpTooAndConnectAndReadReadsTheStatsServer() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "tracebacker.py", cwd);
        Path tb = cwd.resolve("tb");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "1", "--lazy-apps", "--py-tracebacker", tb.toString(), "--stats", "127.0.0.1:0")) {
            int port = server.httpPort();
            server.workerPid(1);
            int stats = Integer.parseInt(server.awaitLine("Stats server enabled on 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            Path release = cwd.resolve("release");
            var held = RawHttp.inBackground(() -> RawHttp.get(port, "/hold?f=" + release));
            UwsgiProcess.awaitFile(Path.of(release + ".started"));
            assertHeld(read(Path.of(tb + "1")), app, 1, "lazy worker 1");
            Files.createFile(release);
            assertEquals("released", held.get(20, TimeUnit.SECONDS).text());

            var client = connectAndRead("127.0.0.1:" + stats);
            assertEquals(0, client.exitCode(), client.output());
            assertTrue(client.output().startsWith("{") && client.output().contains("\"workers\""), client.output());
        }
    }

    @Test
    void connectAndReadWithNothingToReadIsOneLineAndExit1() throws Exception {
        for (List<String> args : List.of(List.of("--connect-and-read", cwd.resolve("nothing").toString()),
                List.of("--connect-and-read"), List.of("--connect-and-read=127.0.0.1:1"))) {
            var result = UwsgiProcess.run(cwd, args.toArray(String[]::new));
            assertEquals(1, result.exitCode(), result.output());
            assertEquals(1, result.lines().size(), result.output());
            assertTrue(result.output().startsWith("uwsgi4j: --connect-and-read"), result.output());
        }
    }
}
