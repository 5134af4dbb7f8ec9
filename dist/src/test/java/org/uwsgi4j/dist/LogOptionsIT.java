package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The logging options through the real distribution, one by one: {@code --touch-logreopen},
 * {@code --touch-logrotate}, {@code --logto2}, the {@code fd:} logger, {@code --log-syslog}
 * (on a Unix datagram socket the test binds), {@code --log-req-route},
 * {@code --rsyslog-packet-size} and {@code --rsyslog-split-messages} (on a UDP listener), and
 * {@code psgi.errors}/{@code rack.errors} through a JSON encoder.
 */
class LogOptionsIT {

    /** Every wait's bound: generous, the machine may be loaded (a start took over 20 s at a load of 24 on 2 cores). */
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern BOUND = Pattern.compile("uwsgi socket 0 bound to TCP address 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path cwd;

    private static final String APP = """
            def application(env, start_response):
                if env['PATH_INFO'].startswith('/long/'):
                    env['wsgi.errors'].write('LONG ' + env['PATH_INFO'][6] * int(env['QUERY_STRING']) + ' END\\n')
                start_response('200 OK', [('Content-Type', 'text/plain')])
                return [b'ok']
            """;

    @Test
    void touchLogreopenFollowsAMovedFileAndTouchLogrotateRotatesIt() throws Exception {
        Files.writeString(cwd.resolve("app.py"), APP);
        Path log = cwd.resolve("app.log");
        Path reopen = Files.createFile(cwd.resolve("reopen.touch"));
        Path rotate = Files.createFile(cwd.resolve("rotate.touch"));
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", "app.py",
                "--logto", log.toString(), "--touch-logreopen", reopen.toString(), "--touch-logrotate", rotate.toString())) {
            int port = awaitPort(log);
            assertEquals(200, RawHttp.get(port, "/one").status());
            awaitText(log, "GET /one ");
            Path moved = cwd.resolve("app.log.moved");
            Files.move(log, moved); // logrotate's create mode: the file moved away, then the touch
            touchAhead(reopen);
            awaitText(log, Pattern.quote(log.toString()) + " reopened\\.");
            assertEquals(200, RawHttp.get(port, "/two").status());
            awaitText(log, "GET /two ");
            String old = Files.readString(moved);
            assertTrue(old.contains("GET /one ") && !old.contains("GET /two"), old);
            assertTrue(old.matches("(?s).*\\n\\[\\d+\\] logsize: \\d+, triggering log-reopen\\.\\.\\.\\n"), old);

            touchAhead(rotate);
            Path rotated = awaitFile("app\\.log\\.\\d+");
            awaitText(rotated, "triggering rotation to " + Pattern.quote(rotated.toString()) + "\\.\\.\\.\\n");
            assertEquals(200, RawHttp.get(port, "/three").status());
            awaitText(log, "GET /three ");
            assertTrue(Files.readString(rotated).contains("GET /two "), "the rotated file holds the lines before");
            assertFalse(Files.readString(log).contains("GET /two "), "the fresh file starts after the rotation");
            assertTrue(server.isAlive());
        }
    }

    @Test
    void logto2TakesTheLogOnceThePrivilegesAreDroppedAndAFileThatCannotOpenEndsTheStart() throws Exception {
        Files.writeString(cwd.resolve("app.py"), APP);
        Path late = cwd.resolve("late.log");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", "app.py",
                "--logto2", late.toString())) {
            // the banner and the bound line come before the switch, on stderr
            int port = Integer.parseInt(server.awaitLine(BOUND.pattern(), WAIT).group(1));
            assertTrue(server.output().contains("*** Starting uwsgi4j"), server.output());
            awaitText(late, "uwsgi4j is ready");
            assertEquals(200, RawHttp.get(port, "/after").status());
            awaitText(late, "GET /after ");
            assertFalse(server.output().contains("GET /after"), server.output());
            assertFalse(Files.readString(late).contains("*** Starting uwsgi4j"), "the banner came before --logto2");
        }
        var refused = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--logto2", "/no/such/dir/late.log");
        assertEquals(1, refused.exitCode(), refused.output());
        assertEquals("open(\"/no/such/dir/late.log\"): No such file or directory", refused.lines().getLast());
    }

    @Test
    void logto2IsOpenedByTheUnprivilegedUserAndAPerlWorkerAsThatUserWritesWholeLines() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "dropping privileges needs root");
        String uid = new String(new ProcessBuilder("id", "-u", "nobody").start().getInputStream().readAllBytes()).strip();
        Files.setPosixFilePermissions(cwd, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path run = Files.createDirectory(cwd.resolve("run"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path app = Files.writeString(cwd.resolve("app.psgi"), """
                sub { print STDERR "as nobody " . ('n' x 9000) . "\\n"; [200, ['Content-Type' => 'text/plain'], ['ok']] };
                """);
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rw-r--r--"));
        Path late = run.resolve("late.log");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--psgi", app.toString(),
                "--uid", "nobody", "--gid", "nogroup", "--master", "--processes", "2", "--logto2", late.toString())) {
            int port = Integer.parseInt(server.awaitLine(BOUND.pattern(), WAIT).group(1));
            awaitText(late, "uwsgi4j is ready");
            assertEquals(Integer.parseInt(uid), Files.getAttribute(late, "unix:uid", LinkOption.NOFOLLOW_LINKS), "--logto2 is opened as nobody");
            assertEquals(200, RawHttp.get(port, "/").status());
            awaitText(late, "(?m)^as nobody n{9000}$");
        }
    }

    @Test
    void fdLoggerLogSyslogAndLogReqRoute() throws Exception {
        Files.writeString(cwd.resolve("app.py"), APP);
        Path syslogSocket = cwd.resolve("syslog.sock");
        try (var syslog = UnixDatagramListener.bind(syslogSocket)) {
            // fd 3 is a file the shell opens for the server: the fd logger writes to what it inherited
            try (var server = UwsgiProcess.startRedirected(cwd, "3>fd.log", "--http-socket", "127.0.0.1:0",
                    "--wsgi-file", "app.py", "--logger", "fd:3", "--log-syslog=myapp,local1",
                    "--syslog-socket", syslogSocket.toString(),
                    "--req-logger", "ones file:ones.log", "--req-logger", "twos file:twos.log",
                    "--log-req-route", "ones GET /one", "--log-req-route", "twos GET /two")) {
                int port = awaitPort(cwd.resolve("fd.log")); // the logger takes the server lines from stderr
                assertEquals(200, RawHttp.get(port, "/one").status());
                assertEquals(200, RawHttp.get(port, "/two").status());
                assertEquals(200, RawHttp.get(port, "/three").status());
                awaitText(cwd.resolve("ones.log"), "GET /one ");
                awaitText(cwd.resolve("twos.log"), "GET /two ");
            }
            assertFalse(Files.readString(cwd.resolve("ones.log")).contains("GET /two"), "routed to twos only");
            assertFalse(Files.readString(cwd.resolve("ones.log")).contains("GET /three"), "no route matched /three");
            assertFalse(Files.readString(cwd.resolve("twos.log")).contains("GET /one"), "routed to ones only");
            assertTrue(Files.readString(cwd.resolve("fd.log")).startsWith("*** Starting uwsgi4j"), "every server line, from the banner");
            String first = syslog.poll();
            // local1 (17) * 8 + info (6) = 142
            assertTrue(first != null && first.matches("<142>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d myapp: \\*\\*\\* Starting uwsgi4j.*"), first);
        }
    }

    @Test
    void rsyslogPacketSizeCutsALongLineAndSplitMessagesSendsItAll() throws Exception {
        Files.writeString(cwd.resolve("app.py"), APP);
        for (boolean split : new boolean[] {false, true}) {
            try (DatagramChannel udp = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
                int udpPort = ((InetSocketAddress) udp.getLocalAddress()).getPort();
                List<String> args = new ArrayList<>(List.of("--http-socket", "127.0.0.1:0", "--wsgi-file", "app.py",
                        "--logger", "remote rsyslog:127.0.0.1:" + udpPort + ",myapp", "--log-route", "remote ^LONG",
                        "--rsyslog-packet-size", "200"));
                if (split) {
                    args.add("--rsyslog-split-messages");
                }
                try (var server = UwsgiProcess.start(cwd, args.toArray(String[]::new))) {
                    int port = Integer.parseInt(server.awaitLine(BOUND.pattern(), WAIT).group(1));
                    assertEquals(200, RawHttp.get(port, "/long/z?500").status());
                    String first = receive(udp);
                    assertTrue(first.length() <= 200, first.length() + ": " + first);
                    Matcher head = Pattern.compile("^<29>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d myapp: ").matcher(first);
                    assertTrue(head.find(), first);
                    StringBuilder message = new StringBuilder(first.substring(head.end()));
                    if (split) {
                        while (!message.toString().endsWith(" END")) {
                            String next = receive(udp);
                            assertTrue(next.length() <= 200, next.length() + ": " + next);
                            Matcher h = head.reset(next);
                            assertTrue(h.find(), "each piece with the header: " + next);
                            message.append(next.substring(h.end()));
                        }
                        assertEquals("LONG " + "z".repeat(500) + " END", message.toString());
                    } else {
                        assertTrue(message.length() > 100 && ("LONG " + "z".repeat(500)).startsWith(message.toString()),
                                "the line's start, cut to the packet: " + message);
                    }
                }
            }
        }
    }

    @Test
    void psgiErrorsAndRackErrorsGoThroughTheEncoders() throws Exception {
        Files.writeString(cwd.resolve("app.psgi"), """
                my $app = sub {
                    my $env = shift;
                    $env->{'psgi.errors'}->print("psgi says \\"hi\\"\\tthere\\n");
                    print STDERR "psgi stderr " . ('p' x 6000) . "\\n";
                    return [200, ['Content-Type' => 'text/plain'], ['ok']];
                };
                """);
        Files.writeString(cwd.resolve("config.ru"), """
                run(lambda do |env|
                  env["rack.errors"].write("rack says \\"hi\\"\\tthere\\n")
                  warn "rack warn " + "r" * 6000
                  [200, { "content-type" => "text/plain" }, ["ok"]]
                end)
                """);
        for (String[] app : List.of(new String[] {"--psgi", "app.psgi", "psgi"}, new String[] {"--rack", "config.ru", "rack"})) {
            Path log = cwd.resolve(app[2] + ".log");
            try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", app[0], app[1], "--master",
                    "--processes", "2", "--logto", log.toString(), "--log-encoder", "json {\"msg\":\"${msg}\"}",
                    "--log-encoder", "nl")) {
                int port = awaitPort(log);
                assertEquals(200, RawHttp.get(port, "/").status());
                awaitText(log, Pattern.quote("{\"msg\":\"" + app[2] + " says \\\"hi\\\"\\tthere\"}"));
                awaitText(log, app[2] + " (stderr|warn) " + app[2].charAt(0) + "{6000}\"}");
            }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** Moves {@code file}'s modification time 5 s ahead: seen as touched whatever the file system's time granularity. */
    private static void touchAhead(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
    }

    /** Polls (bounded) until {@code file} matches {@code regex} somewhere: the log is written by the server. */
    private static void awaitText(Path file, String regex) throws Exception {
        Pattern p = Pattern.compile(regex);
        for (long deadline = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < deadline; ) {
            if (Files.exists(file) && p.matcher(Files.readString(file, StandardCharsets.ISO_8859_1)).find()) {
                return;
            }
            Thread.sleep(20); // polling a file the server writes, bounded by the deadline
        }
        throw new AssertionError("no " + regex + " in " + file + ": " + (Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "(none)"));
    }

    /** Polls (bounded) until a file of the working directory has a name matching {@code regex}. */
    private Path awaitFile(String regex) throws Exception {
        for (long deadline = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < deadline; ) {
            try (var files = Files.list(cwd)) {
                var found = files.filter(f -> f.getFileName().toString().matches(regex)).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            }
            Thread.sleep(20); // polling a directory the server writes, bounded by the deadline
        }
        throw new AssertionError("no file " + regex + " in " + cwd);
    }

    /** The HTTP port, from the bound line of the log file, once the server is ready. */
    private static int awaitPort(Path log) throws Exception {
        awaitText(log, "uwsgi4j is ready");
        Matcher m = BOUND.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
        assertTrue(m.find());
        return Integer.parseInt(m.group(1));
    }

    /** The next datagram on {@code udp}, within the wait. */
    private static String receive(DatagramChannel udp) throws Exception {
        var got = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                ByteBuffer b = ByteBuffer.allocate(65536);
                udp.receive(b);
                b.flip();
                return StandardCharsets.UTF_8.decode(b).toString();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return got.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * A Unix datagram socket bound by a Python child process (the JDK has no Unix datagram
     * sockets), each datagram one line (newlines escaped) queued for {@link #poll()}.
     */
    private record UnixDatagramListener(Process process, BlockingQueue<String> received) implements AutoCloseable {

        static UnixDatagramListener bind(Path socket) throws IOException {
            Process p = new ProcessBuilder("python3", "-u", "-c", """
                    import socket, sys
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                    s.bind(sys.argv[1])
                    print('bound', flush=True)
                    while True:
                        d = s.recv(65536)
                        sys.stdout.buffer.write(d.replace(b'\\n', b'\\\\n') + b'\\n')
                        sys.stdout.flush()
                    """, socket.toString()).start();
            var in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("bound", in.readLine());
            BlockingQueue<String> queue = new LinkedBlockingQueue<>();
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    for (String l; (l = in.readLine()) != null; ) {
                        queue.add(l);
                    }
                } catch (IOException e) {
                    // the listener ended
                }
            });
            return new UnixDatagramListener(p, queue);
        }

        /** The next datagram, within the wait. */
        String poll() throws InterruptedException {
            String d = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(d, "no datagram within " + WAIT);
            return d;
        }

        @Override
        public void close() {
            process.destroy();
        }
    }
}
