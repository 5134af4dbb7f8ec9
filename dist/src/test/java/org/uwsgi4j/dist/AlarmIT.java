package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * plugin-alarm end to end on the real distribution with a real CPython app: a log alarm whose
 * {@code cmd:} action writes to a file, raised by a real harakiri; the anti-flood rule turning a
 * burst into one raise; a {@code signal:} alarm; an alarm's own output (a command that prints what its alarm matches, a
 * {@code log:} line) never raising it again; {@code uwsgi.alarm} from the app; an fd alarm on a
 * pipe the server process inherits (the seed's {@code alarm-fd = NAME FD:8 MESSAGE}); a
 * {@code curl:} alarm against a local endpoint, and one that fails in one line; a worker crash
 * ({@code --alarm-segfault}); a full listen queue under a flood with one slow worker
 * ({@code --alarm-backlog}); bad configurations refused in one line.
 */
class AlarmIT {

    private static final Path APPS = Path.of("src/test/resources/apps").toAbsolutePath();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path cwd;

    @Test
    void logAlarmsRaisedByAHarakiriABurstAndTheAppWithoutFeedingThemselves() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "alarms.py", cwd);
        Path harakiri = cwd.resolve("harakiri.txt");
        Path burst = cwd.resolve("burst.txt");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "1", "--harakiri", "1", "--disable-logging", "--alarm-freq", "30", "--shell-socket", cwd.resolve("shell.sock").toString(),
                "--alarm", "hk cmd:cat >> " + harakiri,
                "--alarm", "app cmd:cat >> " + burst + "; echo >> " + burst + "; echo cmd-said-BURST",
                "--alarm", "say log:said", "--alarm", "sig signal:17",
                "--log-alarm", "hk HARAKIRI ON WORKER",
                "--not-log-alarm", "app,say BURST-ignored",
                "--alarm-log", "app,say BURST")) {
            int port = server.httpPort();
            Shell shell = new Shell(cwd, server.awaitShell());

            // a burst of the same line: one raise (--alarm-freq); the command's own output
            // ("cmd-said-BURST") and the log: action's line match too, and raise nothing; an
            // exception (--not-log-alarm) placed first stops the rule after it
            assertEquals(200, RawHttp.get(port, "/log?m=BURST-1&n=30").status());
            assertEquals(200, RawHttp.get(port, "/log?m=BURST-ignored").status());
            assertEquals(200, RawHttp.get(port, "/log?m=BURST-end").status());
            awaitContent(burst, "BURST-end"); // log lines reach the alarms in order
            assertEquals(List.of("BURST-1", "BURST-end"), Files.readAllLines(burst).stream().filter(l -> !l.isEmpty()).toList());
            server.awaitLine("^\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4} - ALARM: said BURST-end$", WAIT);
            assertEquals(2, count(server, "ALARM: said"), server.output());
            assertEquals(200, RawHttp.get(port, "/alarm?name=app&m=from-the-app").status());
            awaitContent(burst, "from-the-app");
            server.awaitLine("^cmd-said-BURST$", WAIT);

            // a real harakiri: uWSGI's line raises hk, whose command gets the line on stdin
            CompletableFuture<RawHttp.Response> hung = RawHttp.inBackground(() -> RawHttp.get(port, "/hang"));
            awaitContent(harakiri, "*** HARAKIRI ON WORKER 1 (pid: ");
            assertEquals(502, hung.get(WAIT.toSeconds(), TimeUnit.SECONDS).status());

            // signal: raises uWSGI signal 17, whose handler the app registered
            assertEquals(200, RawHttp.get(port, "/alarm?name=sig&m=x").status());
            awaitContent(cwd.resolve("signal17.txt"), "17");

            // an unknown name from the app: one line, the app goes on
            assertEquals(200, RawHttp.get(port, "/alarm?name=nope&m=x").status());
            server.awaitLine("\\[uwsgi-alarm\\] no alarm named \"nope\" \\(uwsgi\\.alarm from worker 1, pid \\d+\\)", WAIT);

            String alarms = shell.run("uwsgi:alarms").output();
            assertTrue(Pattern.compile("(?m)^app\\s+3\\s+29\\s+0\\s+0\\s").matcher(alarms).find(), alarms);
            assertTrue(alarms.contains("cmd:cat >> " + harakiri) && alarms.contains("--not-log-alarm app,say BURST-ignored")
                    && alarms.contains("--log-alarm hk HARAKIRI ON WORKER"), alarms);
            assertTrue(server.isAlive());
        }
    }

    @Test
    void fdCurlAndSegfaultAlarms() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "alarms.py", cwd);
        Path fifo = cwd.resolve("oom.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        LinkedBlockingQueue<String> hooks = new LinkedBlockingQueue<>();
        HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/hook", ex -> {
            hooks.add(ex.getRequestMethod() + " " + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        endpoint.start();
        String hook = "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/hook";
        // the fifo opened read-write on fd 9 of the server process, as a service manager hands on an eventfd
        try (var server = UwsgiProcess.startRedirected(cwd, "9<>" + fifo, "--http-socket", "127.0.0.1:0",
                "--wsgi-file", app.toString(), "--master", "--processes", "1",
                "--alarm", "outofmemory log:", "--alarm-fd", "outofmemory 9:8 OUT OF MEMORY !!!",
                "--alarm-fd", "outofmemory 999 never",
                "--alarm", "hook curl:" + hook + ";method=PUT", "--alarm-segfault", "hook",
                "--alarm", "down curl:http://127.0.0.1:1/;conn_timeout=2", "--alarm-cheap")) { // one alarm thread for all
            int port = server.httpPort();
            server.awaitLine("\\[uwsgi-alarm\\] added fd 9", WAIT);
            server.awaitLine("\\[uwsgi-alarm-fd\\] fd 999 is not open in this process: alarm outofmemory will not be raised by it", WAIT);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", WAIT);
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write("1234".getBytes(StandardCharsets.ISO_8859_1)); // half of what one raise reads
                out.flush();
                assertEquals(200, RawHttp.get(port, "/alarm?name=hook&m=first").status());
                assertEquals("PUT first", hooks.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
                assertEquals(0, count(server, "ALARM: OUT OF MEMORY"), server.output());
                out.write("5678".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                server.awaitLine(" - ALARM: OUT OF MEMORY !!!$", WAIT);
            }

            assertEquals(200, RawHttp.get(port, "/alarm?name=down&m=x").status());
            server.awaitLine("^\\[uwsgi-alarm-curl\\] alarm down failed: request to http://127\\.0\\.0\\.1:1/ failed: ", WAIT);

            RawHttp.inBackground(() -> RawHttp.get(port, "/crash"));
            String crash = hooks.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(crash != null && crash.matches("PUT worker 1 \\(pid: \\d+\\) crashed: killed by signal 11 \\(SIGSEGV\\)"),
                    crash + "\n" + server.output());
            server.awaitLine("DAMN ! worker 1 \\(pid: \\d+\\) died, killed by signal 11", WAIT);
            assertTrue(server.isAlive());
        } finally {
            endpoint.stop(0);
        }
    }

    @Test
    void aFullListenQueueRaisesTheBacklogAlarm() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "alarms.py", cwd);
        Path raised = cwd.resolve("backlog.txt");
        Path release = cwd.resolve("release");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "1", "--listen", "2", "--socket-timeout", "60",
                "--alarm", "lq cmd:cat >> " + raised, "--lq-alarm", "lq", "--alarms-list")) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uWSGI loaded alarms \\*\\*\\*", WAIT); // --alarms-list: the alarm types, then the end line
            server.awaitLine("--- end of alarms list ---", WAIT);
            assertTrue(server.output().contains("\ncmd\n") || server.output().contains(" cmd\n"), server.output());
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", WAIT);
            // the one worker is slow: it holds a request until the test releases it
            CompletableFuture<RawHttp.Response> slow = RawHttp.inBackground(() -> RawHttp.get(port, "/wait?f=" + release));
            List<CompletableFuture<RawHttp.Response>> flood = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                flood.add(RawHttp.inBackground(() -> RawHttp.get(port, "/")));
            }
            awaitContent(raised, "listen queue of socket \"127.0.0.1:" + port + "\" (fd: ");
            assertTrue(Pattern.compile("^listen queue of socket \"127\\.0\\.0\\.1:\\d+\" \\(fd: \\d+\\) full !!! \\(\\d+/2\\)")
                    .matcher(Files.readString(raised)).find(), Files.readString(raised));
            server.awaitLine("\\*\\*\\* uWSGI listen queue of socket \"127\\.0\\.0\\.1:\\d+\" \\(fd: \\d+\\) full !!! \\(\\d+/2\\) \\*\\*\\*", WAIT);
            Files.createFile(release);
            assertEquals(200, slow.get(WAIT.toSeconds(), TimeUnit.SECONDS).status());
            for (var f : flood) {
                assertEquals(200, f.get(WAIT.toSeconds(), TimeUnit.SECONDS).status());
            }
        }
    }

    @Test
    void alarmMsgSizeCutsLongerMessages() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "alarms.py", cwd);
        Path raised = cwd.resolve("cut.txt");
        // each raise appends its message and a newline: the file shows where a message was cut
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "1", "--disable-logging", "--alarm-msg-size", "16",
                "--alarm", "cut cmd:cat >> " + raised + "; echo >> " + raised,
                "--log-alarm", "cut LONG-LOG-LINE")) {
            int port = server.httpPort();
            // from the app: 28 bytes, cut to 16 (uWSGI 2.0.21 drops it: docs/plugins/alarm.md)
            assertEquals(200, RawHttp.get(port, "/alarm?name=cut&m=0123456789abcdefOVERFLOWING").status());
            awaitContent(raised, "0123456789abcdef\n");
            // from a log line: the line as the log has it, cut to 16 bytes
            assertEquals(200, RawHttp.get(port, "/log?m=LONG-LOG-LINE-and-much-more").status());
            awaitContent(raised, "LONG-LOG-LINE-an\n");
            assertEquals(List.of("0123456789abcdef", "LONG-LOG-LINE-an"), Files.readAllLines(raised));
        }
    }

    @Test
    void badAlarmsAreRefusedInOneLine() throws Exception {
        // (the other refusals are the same path: AlarmDefinitionsTest, CurlActionTest, SignalActionTest)
        assertRefused("invalid alarm: a xmpp:me@example.com (no alarm type \"xmpp\"; available: cmd, curl, log, mule, signal)",
                "--alarm", "a xmpp:me@example.com");
        assertRefused("invalid alarm: m mule:1 (mule alarms need mules, which uwsgi4j does not have)", "--alarm", "m mule:1");
    }

    private void assertRefused(String line, String... alarmArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("--http-socket", "127.0.0.1:0", "--plugins", "echo", "--http-socket-modifier1", "101"));
        args.addAll(List.of(alarmArgs));
        var result = UwsgiProcess.run(cwd, args.toArray(String[]::new));
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("!!! UNABLE to start uWSGI plugin alarm: " + line + " !!!"), result.output());
        assertTrue(result.lines().stream().noneMatch(l -> l.startsWith("\tat ")), result.output());
    }

    private static int count(UwsgiProcess server, String text) {
        return (int) server.output().lines().filter(l -> l.contains(text)).count();
    }

    /** Polls (bounded) until {@code file} contains {@code text}: an alarm's command writes it. */
    private static void awaitContent(Path file, String text) throws InterruptedException, IOException {
        for (long deadline = System.nanoTime() + WAIT.toNanos(); ; ) {
            if (Files.exists(file) && Files.readString(file).contains(text)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(file + " never contained " + text + ": "
                        + (Files.exists(file) ? Files.readString(file) : "(no file)"));
            }
            Thread.sleep(10); // polling for the alarm command's file, bounded by the deadline
        }
    }
}
