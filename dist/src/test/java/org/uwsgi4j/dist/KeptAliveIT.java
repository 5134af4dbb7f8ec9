package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kept-alive connections between requests, on real CPython workers: they wait in the ready set
 * the workers' idle cores watch (docs/architecture.md, "The request path"), and their next
 * requests are read and served by whichever core is free. Many at once, pipelined requests,
 * the socket timeout, a reload and a stop while connections wait there.
 */
class KeptAliveIT {

    private static final Path APPS = Path.of("src/test/resources/apps").toAbsolutePath();

    @TempDir
    Path cwd;

    private UwsgiProcess start(String... extra) throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        List<String> args = new ArrayList<>(List.of("--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "2", "--disable-logging"));
        args.addAll(List.of(extra));
        UwsgiProcess server = UwsgiProcess.start(cwd, args.toArray(String[]::new));
        server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
        return server;
    }

    private static RawHttp.Response get(RawHttp http, String path) throws Exception {
        return http.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").read();
    }

    @Test
    void manyIdleConnectionsAreEachServedAgainByEitherWorker() throws Exception {
        try (var server = start()) {
            int port = server.httpPort();
            List<RawHttp> conns = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    RawHttp http = new RawHttp(port);
                    conns.add(http);
                    assertEquals(200, get(http, "/pid").status());
                }
                Set<String> pids = new HashSet<>();
                for (int round = 0; round < 3; round++) { // every connection waited idle in between
                    for (RawHttp http : conns) {
                        var r = get(http, "/pid");
                        assertEquals(200, r.status());
                        pids.add(r.text());
                    }
                }
                assertEquals(2, pids.size(), "both workers served the kept-alive connections: " + pids);
            } finally {
                for (RawHttp http : conns) {
                    http.close();
                }
            }
        }
    }

    /**
     * New clients among many kept-alive ones (browsers and first visits, or nginx with fewer
     * kept-alive upstream connections than requests in flight): each new connection waits for its
     * turn as one connection among the others. When the listening socket was one entry among the
     * kept-alive connections, the clients that connect for each request shared one turn per round
     * of all the kept-alive ones: ten of them behind forty kept-alive ones were each served about
     * 1/8 as often as each kept-alive one (bench/README.md, session 12). wrk, a client fast enough
     * to keep the workers busy (a JVM client that connects for each request is slower than the
     * server, and hides it), runs both kinds at once; the test compares the requests each
     * connection got, not how long they took.
     */
    @Test
    void newClientsAmongManyKeptAliveOnesAreServedTheirShare() throws Exception {
        try (var server = start()) {
            String url = "http://127.0.0.1:" + server.httpPort() + "/";
            Process kept = wrk("-c40", url);
            Process fresh = wrk("-c10", "-H", "Connection: close", url);
            double perKept = requests(kept) / 40.0;
            double perFresh = requests(fresh) / 10.0;
            assertTrue(perKept < 4 * perFresh, String.format(
                    "each kept-alive connection was served %.0f requests, each client that connects for each one %.0f", perKept, perFresh));
        }
    }

    /** wrk with one thread for 3 s, its output to be read by {@link #requests}. */
    private static Process wrk(String... args) throws java.io.IOException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t1", "-d3s"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** The requests a wrk run made, once it ended without an error or a status other than 2xx or 3xx. */
    private static long requests(Process wrk) throws Exception {
        String out = new String(wrk.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, wrk.waitFor(), out);
        assertFalse(out.contains("Socket errors") || out.contains("Non-2xx"), out);
        var m = java.util.regex.Pattern.compile("(\\d+) requests in").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    @Test
    void requestsPipelinedOnAnIdleConnectionAreAnsweredInOrder() throws Exception {
        try (var server = start(); var http = new RawHttp(server.httpPort())) {
            assertEquals(200, get(http, "/").status());
            http.send("GET /pid HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /version HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(http.read().text().matches("\\d+"));
            assertEquals("hello", http.read().text());
            assertEquals("none", http.read().text());
            assertEquals(200, get(http, "/").status(), "and the connection goes on");
        }
    }

    @Test
    void theSocketTimeoutClosesAnIdleConnectionAndOthersAreServed() throws Exception {
        try (var server = start("--socket-timeout", "1"); var idle = new RawHttp(server.httpPort())) {
            assertEquals(200, get(idle, "/").status());
            assertTrue(idle.closedByServer(), "the idle connection is closed once the timeout passed");
            try (var other = new RawHttp(server.httpPort())) {
                assertEquals(200, get(other, "/").status());
            }
        }
    }

    @Test
    void aReloadServesTheWaitingConnectionsNextRequestsWithTheNewWorkers() throws Exception {
        try (var server = start()) {
            int port = server.httpPort();
            Set<String> old = Set.of(Long.toString(server.workerPid(1)), Long.toString(server.workerPid(2)));
            try (var a = new RawHttp(port); var b = new RawHttp(port)) {
                assertTrue(old.contains(get(a, "/pid").text()));
                assertTrue(old.contains(get(b, "/pid").text()));
                new ProcessBuilder("kill", "-HUP", Long.toString(server.pid())).start().waitFor();
                server.awaitLine("ready \\(generation 2", Duration.ofSeconds(30));
                for (RawHttp http : List.of(a, b)) { // both waited idle through the reload, and go on
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    for (String pid = ""; pid.isEmpty() || old.contains(pid); ) {
                        assertTrue(System.nanoTime() < deadline, "never served by the new generation");
                        var r = get(http, "/pid");
                        assertEquals(200, r.status());
                        pid = r.text();
                    }
                }
            }
        }
    }

    @Test
    void aStopWithIdleConnectionsOpenEndsPromptly() throws Exception {
        try (var server = start(); var idle = new RawHttp(server.httpPort())) {
            assertEquals(200, get(idle, "/").status());
            new ProcessBuilder("kill", "-INT", Long.toString(server.pid())).start().waitFor();
            assertEquals(0, server.awaitExit(Duration.ofSeconds(20)));
        }
    }
}
