package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log pipeline on the real distribution with plugin-logencoder: JSON request and server
 * lines that Python's json module parses back (quotes, backslashes, control characters and
 * invalid UTF-8 in them), the banner encoded too, a route sending error lines to a second file,
 * a syslog logger on a Unix datagram socket the test binds (with Python: the JDK has no Unix
 * datagram sockets), a UDP socket logger, {@code uwsgi:loggers}, the plugin uninstalled at run
 * time and the default output back; then {@code --logto} rotated at a small {@code --log-maxsize}
 * with two workers writing long lines at once, every line whole.
 */
class LoggingIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path cwd;

    private static final String APP = """
            import sys
            def application(env, start_response):
                path = env['PATH_INFO']
                if path == '/error':
                    env['wsgi.errors'].write('ERROR: "bad" \\\\ \\x01\\x1b\\ttab \\u00e9\\n')
                    env['wsgi.errors'].flush()
                elif path.startswith('/long/'):
                    sys.stderr.write(path[6] * 20000 + '\\n')
                    sys.stderr.flush()
                start_response('200 OK', [('Content-Type', 'text/plain')])
                return [b'ok']
            """;

    /** Python's json.loads on every line of {@code file}; returns the lines' {@code field} values. */
    private List<String> parseJsonLines(Path file, String field) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", """
                import json, sys
                for raw in open(sys.argv[1], 'rb'):
                    v = json.loads(raw)[sys.argv[2]]
                    print(json.dumps(v))
                """, file.toString(), field).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "a line of " + file + " is no JSON: " + out + "\n" + Files.readString(file, StandardCharsets.ISO_8859_1));
        List<String> values = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isEmpty()) {
                values.add(line);
            }
        }
        return values;
    }

    @Test
    void encodersLoggersRoutesAndThePluginGoingAway() throws Exception {
        Files.writeString(cwd.resolve("app.py"), APP);
        Path syslogSocket = cwd.resolve("syslog.sock");
        Process syslogd = new ProcessBuilder("python3", "-u", "-c", """
                import socket, sys
                s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                s.bind(sys.argv[1])
                print('bound', flush=True)
                while True:
                    d = s.recv(65536)
                    sys.stdout.buffer.write(d.replace(b'\\n', b'\\\\n') + b'\\n')
                    sys.stdout.flush()
                """, syslogSocket.toString()).start();
        BlockingQueue<String> syslog = new LinkedBlockingQueue<>();
        var syslogIn = new BufferedReader(new InputStreamReader(syslogd.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("bound", syslogIn.readLine());
        Thread.ofPlatform().daemon().start(() -> {
            try {
                for (String l; (l = syslogIn.readLine()) != null; ) {
                    syslog.add(l);
                }
            } catch (IOException e) {
                // the listener ended
            }
        });
        try (DatagramChannel udp = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int udpPort = ((InetSocketAddress) udp.getLocalAddress()).getPort();
            Path shellSocket = cwd.resolve("shell.sock");
            try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", "app.py",
                    "--shell-socket", shellSocket.toString(),
                    "--logger", "file:main.log", "--logger", "errors file:errors.log", "--log-route", "errors ERROR",
                    "--logger", "stdio", "--log-syslog=myapp,local0", "--syslog-socket", syslogSocket.toString(),
                    "--log-socket", "127.0.0.1:" + udpPort,
                    "--log-encoder", "json {\"msg\":\"${msg}\",\"t\":${unix}}", "--log-encoder", "nl",
                    "--req-logger", "file:req.log", "--req-logger", "plain file:plain.log", "--log-req-route", "plain GET /plain ",
                    "--log-req-encoder", "json {\"req\":\"${msg}\",\"ms\":${millis}}", "--log-req-encoder", "nl")) {
                // stdio is the process's own stderr: the test reads the JSON lines there too
                int port = Integer.parseInt(server.awaitLine("uwsgi socket 0 bound to TCP address 127\\.0\\.0\\.1:(\\d+)", WAIT).group(1));
                server.awaitLine("\\{\"msg\":\"\\*\\*\\* uwsgi4j is ready", WAIT);
                assertEquals(200, RawHttp.get(port, "/plain").status());
                assertEquals(200, RawHttp.get(port, "/error").status());
                try (var http = new RawHttp(port)) { // quotes, a backslash and bytes that are no UTF-8 in the request line
                    http.send("GET /q\"uo\\te/\u00ff\u00fe?x=\"1\" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read();
                }
                awaitText(cwd.resolve("errors.log"), "ERROR");
                awaitText(cwd.resolve("req.log"), "GET /q");
                awaitText(cwd.resolve("plain.log"), "GET /plain"); // --log-req-route: the route's lines go to its named logger only

                var shell = new Shell(cwd, shellSocket.toString());
                var loggers = shell.run("uwsgi:loggers");
                assertEquals(0, loggers.exitCode(), loggers.output());
                for (String name : List.of("file:main.log", "errors", "stdio", "syslog:myapp,local0", "file:req.log", "default")) {
                    assertTrue(loggers.lines().stream().anyMatch(l -> l.startsWith(name + " ")), name + "\n" + loggers.output());
                }
                assertTrue(loggers.output().contains("routes [ERROR]"), loggers.output());

                var lb = shell.run("lb");
                Matcher id = Pattern.compile("(?m)^\\s*(\\d+)\\|.*plugin-logencoder").matcher(lb.output());
                assertTrue(id.find(), lb.output());
                // Gogo cannot coerce a bundle id for felix:uninstall here: the bundle object's own method
                assertEquals(0, shell.run("($.context getBundle " + id.group(1) + ") uninstall").exitCode());
                assertEquals(200, RawHttp.get(port, "/after").status());
                // the default output (here the process's stderr) has the plain line again
                server.awaitLine("^\\[pid: \\d+\\|app: 0\\|req: \\d+/\\d+\\] 127\\.0\\.0\\.1 .* GET /after ", WAIT);
            }
            List<String> main = parseJsonLines(cwd.resolve("main.log"), "msg");
            assertTrue(main.getFirst().startsWith("\"*** Starting uwsgi4j"), main.getFirst());
            assertFalse(main.stream().anyMatch(m -> m.contains("ERROR")), "routed to errors.log only: " + main);
            assertFalse(main.stream().anyMatch(m -> m.contains("GET /after")), "written after the plugin went: " + main);
            List<String> errors = parseJsonLines(cwd.resolve("errors.log"), "msg");
            assertEquals(List.of("\"ERROR: \\\"bad\\\" \\\\ \\u0001\\u001b\\ttab \\u00e9\""), errors);
            List<String> requests = parseJsonLines(cwd.resolve("req.log"), "req");
            assertEquals(2, requests.size(), "GET /plain went to plain.log only: " + requests);
            List<String> plain = parseJsonLines(cwd.resolve("plain.log"), "req");
            assertTrue(plain.size() == 1 && plain.getFirst().contains("GET /plain "), plain.toString());
            assertTrue(requests.get(1).contains("GET /q\\\"uo\\\\te/\\u00ff\\u00fe?x=\\\"1\\\""), requests.get(1));

            String datagram = receive(udp);
            assertTrue(datagram.startsWith("{\"msg\":\"*** Starting uwsgi4j"), datagram);
            String sys = syslog.poll(10, TimeUnit.SECONDS);
            assertTrue(sys != null && sys.matches("<134>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d myapp: \\{\"msg\":\"\\*\\*\\* Starting uwsgi4j.*"), sys);
        } finally {
            syslogd.destroy();
        }
    }

    @Test
    void theLogtoFileRotatesAndTwoWorkersLongLinesStayWhole() throws Exception {
        Files.writeString(cwd.resolve("app.py"), APP);
        Path log = cwd.resolve("app.log");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", "app.py",
                "--master", "--processes", "2", "--logto", log.toString(), "--log-maxsize", "60000",
                "--log-encoder", "json {\"msg\":\"${msg}\"}", "--log-encoder", "nl")) {
            int port = awaitPort(log);
            List<java.util.concurrent.CompletableFuture<RawHttp.Response>> all = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String letter = String.valueOf((char) ('a' + i));
                all.add(RawHttp.inBackground(() -> RawHttp.get(port, "/long/" + letter)));
            }
            for (var f : all) {
                assertEquals(200, f.get(30, TimeUnit.SECONDS).status());
            }
            assertTrue(server.isAlive());
        }
        List<Path> rotated;
        try (var files = Files.list(cwd)) {
            rotated = files.filter(f -> f.getFileName().toString().matches("app\\.log\\.\\d+")).toList();
        }
        assertFalse(rotated.isEmpty(), "no rotation");
        String last = Files.readString(rotated.getFirst()).lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.matches(".* - logsize: \\d+, triggering rotation to " + Pattern.quote(rotated.getFirst().toString()) + "\\.\\.\\."), last);
        // every line of the current file parses; each long line is 20000 times one letter
        for (String msg : parseJsonLines(log, "msg")) {
            if (msg.length() > 1000) {
                assertTrue(msg.matches("\"([a-h])\\1{19999}\""), msg.substring(0, 40) + "…" + msg.length());
            }
        }
    }

    /** {@code --touch-logreopen}: after logrotate's move, touching the file makes the server write a new --logto file. */
    @Test
    void touchLogreopenReopensTheLogtoFileAfterItWasMoved() throws Exception {
        Files.writeString(cwd.resolve("app.py"), APP);
        Path log = cwd.resolve("app.log");
        Path trigger = Files.writeString(cwd.resolve("reopen.trigger"), "");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", "app.py",
                "--logto", log.toString(), "--touch-logreopen", trigger.toString())) {
            int port = awaitPort(log);
            Files.move(log, cwd.resolve("app.log.1"));
            Files.setLastModifiedTime(trigger, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(5)));
            for (long deadline = System.nanoTime() + WAIT.toNanos(); !Files.exists(log) && System.nanoTime() < deadline; ) {
                Thread.sleep(50); // polling for the file the server opens, bounded by the deadline
            }
            assertEquals(200, RawHttp.get(port, "/after-reopen").status());
            awaitText(log, "GET /after-reopen");
            assertFalse(Files.readString(cwd.resolve("app.log.1"), StandardCharsets.ISO_8859_1).contains("/after-reopen"));
        }
    }

    @Test
    void aLoggerThatCannotOpenRefusesTheStartInOneLine() throws Exception {
        var result = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--logger", "file:/no/such/dir/x.log");
        assertEquals(1, result.exitCode(), result.output());
        assertEquals("!!! UNABLE to start uWSGI plugin logencoder: --logger 'file:/no/such/dir/x.log': "
                + "open(\"/no/such/dir/x.log\"): No such file or directory !!!", result.lines().getLast());
    }

    /** Polls (bounded) until {@code file} holds {@code text}: a logger writes on its own thread. */
    private static void awaitText(Path file, String text) throws Exception {
        for (long deadline = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < deadline; ) {
            if (Files.exists(file) && Files.readString(file, StandardCharsets.ISO_8859_1).contains(text)) {
                return;
            }
            Thread.sleep(20); // polling a file the server writes, bounded by the deadline
        }
        throw new AssertionError("no " + text + " in " + file);
    }

    /** The HTTP port, from the JSON-encoded bound line of the log file. */
    private static int awaitPort(Path log) throws Exception {
        Pattern bound = Pattern.compile("uwsgi socket 0 bound to TCP address 127\\.0\\.0\\.1:(\\d+)");
        for (long deadline = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < deadline; ) {
            if (Files.exists(log)) {
                Matcher m = bound.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
                if (m.find() && Files.readString(log, StandardCharsets.ISO_8859_1).contains("is ready")) {
                    return Integer.parseInt(m.group(1));
                }
            }
            Thread.sleep(50); // polling a file the server writes, bounded by the deadline
        }
        throw new AssertionError("never ready: " + (Files.exists(log) ? Files.readString(log) : "no " + log));
    }

    private static String receive(DatagramChannel udp) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(65536);
        udp.receive(b);
        b.flip();
        return StandardCharsets.UTF_8.decode(b).toString();
    }
}
