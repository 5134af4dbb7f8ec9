package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGQUIT shuts the server down gracefully, as SIGTERM and SIGINT do: a request in hand
 * finishes, the process exits 0, with the line {@code SIGQUIT received: shutting down
 * gracefully...}. HotSpot answers SIGQUIT with a thread dump on stdout, which is how the
 * launcher sees the signal; that dump must reach neither stdout nor the log, while the JVM's
 * other output to stdout (here {@code -Xlog:safepoint}, which logs the dump's own safepoint
 * right after it) still gets through. Also: a background job of {@code sh -c} (SIGQUIT
 * inherited ignored, stdout a file), stdout at /dev/null, stdout closed (SIGQUIT cannot be
 * watched: one line says so), and {@code jcmd PID Thread.print}, whose SIGQUIT must not stop
 * the server.
 */
class SigquitIT {

    private static final Path APPS = Path.of("src/test/resources/apps").toAbsolutePath();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Map<String, String> XLOG = Map.of("UWSGI4J_JAVA_OPTS", "-Xlog:safepoint=info:stdout");
    /** What only a thread dump prints (its header, a thread's state, its last line, the heap summary). */
    private static final List<String> DUMP_TEXT = List.of("Full thread dump", "java.lang.Thread.State", "JNI global refs",
            "Metaspace", "\nHeap\n");

    @TempDir
    Path cwd;

    private static void signal(String name, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).start().waitFor());
    }

    private static void assertNoDumpIn(String text, String where) {
        for (String dump : DUMP_TEXT) {
            assertFalse(("\n" + text).contains(dump), "thread dump text (" + dump.strip() + ") in " + where + ":\n" + text);
        }
    }

    /** Holds a request in a worker: returns it, answered once {@code marker} exists. */
    private static CompletableFuture<RawHttp.Response> holdARequest(int port, Path marker) throws Exception {
        var held = RawHttp.inBackground(() -> RawHttp.get(port, "/wait?f=" + marker));
        UwsgiProcess.awaitFile(Path.of(marker + ".started"));
        return held;
    }

    /** uWSGI's line for a worker that stopped: with two workers and one request held, the idle one stops first. */
    private static final String IDLE_WORKER_STOPPED = "^worker \\d \\(pid: \\d+\\) stopped$";

    /** The held request is still in its worker while the shutdown stops the others; released, it completes. */
    private static void releaseAndExpectItServed(CompletableFuture<RawHttp.Response> held, Path marker) throws Exception {
        assertFalse(held.isDone(), "the shutdown did not cut the request in hand");
        Files.createFile(marker);
        var answer = held.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, answer.status());
        assertEquals("waited", answer.text());
    }

    @Test
    void sigquitLetsTheRequestInFlightFinishAndNoThreadDumpGetsOut() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        try (var server = UwsgiProcess.start(cwd, XLOG, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "2")) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            Path marker = cwd.resolve("go");
            var held = holdARequest(port, marker);

            signal("QUIT", server.pid());
            server.awaitLine("^SIGQUIT received: shutting down gracefully\\.\\.\\.$", WAIT);
            server.awaitLine(IDLE_WORKER_STOPPED, WAIT);
            releaseAndExpectItServed(held, marker);
            assertEquals(0, server.awaitExit(WAIT));

            String output = server.output(); // stdout and stderr
            assertNoDumpIn(output, "the output");
            assertTrue(output.contains("[info][safepoint] Safepoint \"PrintThreads\""),
                    "the JVM's own output after the dump went through:\n" + output);
            assertEquals(1, output.lines().filter(l -> l.startsWith("SIGQUIT received")).count(), output);
        }
    }

    @Test
    void jcmdThreadPrintDoesNotStopTheServer() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString())) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            // jcmd's first attach sends SIGQUIT; HotSpot then starts its attach listener, prints no dump
            Path java = Path.of(ProcessHandle.of(server.pid()).orElseThrow().info().command().orElseThrow());
            Process jcmd = new ProcessBuilder(java.resolveSibling("jcmd").toString(), String.valueOf(server.pid()), "Thread.print")
                    .redirectErrorStream(true).start();
            String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, jcmd.waitFor(), dump);
            assertTrue(dump.contains("Full thread dump"), dump);

            signal("HUP", server.pid()); // a signal handled after jcmd's: had it stopped the server, this would not be logged
            server.awaitLine("\\.\\.\\.gracefully reloading the workers \\(SIGHUP\\)\\.\\.\\.", WAIT);
            assertEquals(200, RawHttp.get(port, "/").status());
            assertTrue(server.isAlive());
            assertFalse(server.output().contains("SIGQUIT received"), server.output());
            assertNoDumpIn(server.output(), "the output");
        }
    }

    @Test
    void sigquitStopsABackgroundJobOfANonInteractiveShell() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        Path out = cwd.resolve("out.txt");
        Path err = cwd.resolve("err.txt");
        // the job inherits SIGINT and SIGQUIT ignored; sh waits for it and reports its exit code
        String script = UwsgiProcess.DIST.resolve("bin/uwsgi4j") + " --http-socket 127.0.0.1:0 --wsgi-file " + app
                + " --processes 2 > " + out + " 2> " + err + " & echo $!; wait $!; echo \"exit $?\"";
        Process sh = new ProcessBuilder("sh", "-c", script).start();
        var shOut = sh.inputReader(StandardCharsets.UTF_8);
        long pid = Long.parseLong(shOut.readLine().strip());
        try {
            int port = Integer.parseInt(awaitInFile(err, "uwsgi socket 0 bound to TCP address 127\\.0\\.0\\.1:(\\d+)").group(1));
            awaitInFile(err, "\\*\\*\\* uwsgi4j is ready");
            Path marker = cwd.resolve("go");
            var held = holdARequest(port, marker);

            signal("QUIT", pid);
            awaitInFile(err, "^SIGQUIT received: shutting down gracefully\\.\\.\\.$");
            awaitInFile(err, IDLE_WORKER_STOPPED);
            releaseAndExpectItServed(held, marker);
            assertTrue(sh.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the job did not end");
            assertEquals("exit 0", shOut.readLine());
            assertNoDumpIn(Files.readString(out), "stdout");
            assertNoDumpIn(Files.readString(err), "stderr");
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            sh.destroyForcibly();
        }
    }

    @Test
    void sigquitStopsAServerWhoseStdoutIsDevNull() throws Exception {
        try (var server = UwsgiProcess.startRedirected(cwd, ">/dev/null", "--http-socket", "127.0.0.1:0")) {
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            signal("QUIT", server.pid());
            server.awaitLine("^SIGQUIT received: shutting down gracefully\\.\\.\\.$", WAIT);
            assertEquals(0, server.awaitExit(WAIT));
            assertNoDumpIn(server.output(), "stderr");
        }
    }

    @Test
    void withStdoutClosedSigquitCannotBeWatchedAndOneLineSaysSo() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        try (var server = UwsgiProcess.startRedirected(cwd, ">&-", "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString())) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            assertEquals(1, server.output().lines().filter(l -> l.equals("uwsgi4j: SIGQUIT will not stop this instance "
                    + "(stop it with SIGTERM or SIGINT): stdout (fd 1) is not open for writing (was it closed at start?)")).count(),
                    server.output());
            assertEquals(200, RawHttp.get(port, "/").status(), "nothing else changes");
            signal("TERM", server.pid());
            server.awaitLine("^SIGTERM received: shutting down gracefully\\.\\.\\.$", WAIT);
            assertEquals(0, server.awaitExit(WAIT));
        }
    }

    /** Waits (bounded) for a line of {@code file} matching {@code regex}. */
    private static Matcher awaitInFile(Path file, String regex) throws IOException, InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        for (long deadline = System.nanoTime() + WAIT.toNanos(); ; ) {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file)) {
                    Matcher m = pattern.matcher(line);
                    if (m.find()) {
                        return m;
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no line /" + regex + "/ in " + file + ":\n" + (Files.exists(file) ? Files.readString(file) : ""));
            }
            Thread.sleep(50); // polling the server's log file, bounded by the deadline
        }
    }
}
