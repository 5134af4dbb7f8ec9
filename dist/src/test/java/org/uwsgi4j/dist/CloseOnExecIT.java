package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --close-on-exec} and {@code --close-on-exec2} (uWSGI: close-on-exec on the connection
 * and on the server sockets, so that processes spawned in requests do not inherit them) are
 * how uwsgi4j always behaves: the master's sockets live in the JVM, which starts the worker
 * processes with only stdin, stdout and stderr. While a worker holds a request (a client
 * connection open in the master) and runs a program it started with {@code close_fds=False},
 * none of the master's TCP sockets (the listening ones, the client's) is open in the worker
 * host, the worker or that program. With and without the options.
 */
class CloseOnExecIT {

    private static final Path APPS = Path.of("src/test/resources/apps").toAbsolutePath();

    @TempDir
    Path cwd;

    /** A TCP socket from /proc/net/tcp{,6}: its state ({@code 0A} listen, {@code 01} established), local port, inode. */
    private record TcpSocket(String state, int localPort, long inode) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "--close-on-exec --close-on-exec2"})
    void noProcessBelowTheMasterHoldsItsListeningOrClientSockets(String options) throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "spawner.py", cwd);
        List<String> args = new ArrayList<>(List.of("--http-socket", "127.0.0.1:0", "--socket", "127.0.0.1:0",
                "--wsgi-file", app.toString()));
        args.addAll(options.isEmpty() ? List.of() : List.of(options.split(" ")));
        try (var server = UwsgiProcess.start(cwd, args.toArray(String[]::new))) {
            int http = server.httpPort();
            int uwsgi = Integer.parseInt(server.awaitLine("uwsgi socket 1 bound to TCP address 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            long worker = server.workerPid(1);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            Path marker = cwd.resolve("go");
            var held = RawHttp.inBackground(() -> RawHttp.get(http, "/spawn?f=" + marker));
            UwsgiProcess.awaitFile(Path.of(marker + ".pid"));
            long program = Long.parseLong(Files.readString(Path.of(marker + ".pid")).strip());

            Set<Long> masterInodes = socketInodes(server.pid());
            List<TcpSocket> masters = tcpSockets().stream().filter(s -> masterInodes.contains(s.inode())).toList();
            assertTrue(masters.stream().anyMatch(s -> s.state().equals("0A") && s.localPort() == http), "HTTP listener: " + masters);
            assertTrue(masters.stream().anyMatch(s -> s.state().equals("0A") && s.localPort() == uwsgi), "uwsgi listener: " + masters);
            assertTrue(masters.stream().anyMatch(s -> s.state().equals("01") && s.localPort() == http), "the held client: " + masters);

            List<ProcessHandle> below = ProcessHandle.of(server.pid()).orElseThrow().descendants().toList();
            assertTrue(below.stream().anyMatch(p -> p.pid() == worker), "the worker: " + below);
            assertTrue(below.stream().anyMatch(p -> p.pid() == program), "the program the worker started: " + below);
            for (ProcessHandle p : below) {
                Set<Long> inherited = socketInodes(p.pid());
                List<TcpSocket> leaked = masters.stream().filter(s -> inherited.contains(s.inode())).toList();
                assertEquals(List.of(), leaked, "the master's sockets open in " + p.pid() + " " + p.info().commandLine().orElse(""));
            }

            Files.createFile(marker);
            var answer = held.get(30, TimeUnit.SECONDS);
            assertEquals(200, answer.status());
            assertEquals("spawned", answer.text());
        }
    }

    /** The inodes of the sockets open in process {@code pid} ({@code /proc/PID/fd/N -> socket:[INODE]}). */
    private static Set<Long> socketInodes(long pid) throws IOException {
        Set<Long> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (java.nio.file.NoSuchFileException closedMeanwhile) {
                    continue;
                }
                if (target.startsWith("socket:[")) {
                    inodes.add(Long.parseLong(target.substring("socket:[".length(), target.length() - 1)));
                }
            }
        }
        return inodes;
    }

    /** Every TCP socket of this network namespace. */
    private static List<TcpSocket> tcpSockets() throws IOException {
        List<TcpSocket> sockets = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try (Stream<String> lines = Files.lines(Path.of(table))) {
                lines.skip(1).map(String::strip).map(l -> l.split("\\s+")).forEach(f -> {
                    String local = f[1];
                    int port = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
                    sockets.add(new TcpSocket(f[3], port, Long.parseLong(f[9])));
                });
            }
        }
        return sockets;
    }
}
