package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overload and slow clients (issue 14, docs/sockets.md "Overload"): more clients than cores and
 * queue places get slower answers, never an error; a new client arriving mid-run is answered;
 * slow uploads do not hold the workers. Over HTTP and behind Debian's real nginx
 * ({@code uwsgi_pass}). Counts and outcomes only: throughput is bench/wrk-overload.sh's.
 */
class OverloadIT {

    private static final Path APPS = Path.of("src/test/resources/apps/python").toAbsolutePath();
    private static final int KEEP_ALIVE_CLIENTS = 25;
    private static final int KEEP_ALIVE_REQUESTS = 12;
    private static final int NEW_CONNECTION_CLIENTS = 25;
    private static final int NEW_CONNECTION_REQUESTS = 6;

    @TempDir
    Path cwd;

    /** 2 workers × 2 threads, a 20 ms page, and a queue of 8: 50 clients overload it many times over. */
    private UwsgiProcess start(String socketOption, String... more) throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "overload.py", cwd);
        List<String> args = new ArrayList<>(List.of(socketOption, "127.0.0.1:0", "--wsgi-file", app.toString(), "--master",
                "--processes", "2", "--threads", "2", "--listen", "8", "--disable-logging"));
        args.addAll(List.of(more));
        var server = UwsgiProcess.start(cwd, args.toArray(String[]::new));
        server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
        return server;
    }

    @Test
    void fiftyClientsOnFourCoresAreAllAnsweredWithoutAnErrorAndALateClientToo() throws Exception {
        try (var server = start("--http-socket")) {
            int port = server.httpPort();
            Outcomes outcomes = overload(port);
            outcomes.assertAllAnswered();
            assertFalse(server.output().contains(" 503"), "no request refused: " + server.output());
        }
    }

    @Test
    void behindNginxUwsgiPassNoRequestGetsA502Or503() throws Exception {
        try (var server = start("--socket")) {
            int uwsgiPort = server.httpPort(); // socket 0's port, whatever its protocol
            try (var nginx = Nginx.start(cwd, uwsgiPort, "")) {
                Outcomes outcomes = overload(nginx.port);
                outcomes.assertAllAnswered();
                assertFalse(nginx.output().contains("upstream"), "nginx saw its upstream fail: " + nginx.output());
            }
        }
    }

    /**
     * Four uploads whose bodies are still arriving on 2 single-threaded workers: quick GETs are
     * answered before the uploads are complete, then every upload is answered whole.
     */
    @Test
    void withQueueTimeoutARequestThatWaitedTooLongIsAnswered503AndTheOneInHandFinishes() throws Exception {
        Path app = UwsgiProcess.copyApp(Path.of("src/test/resources/apps").toAbsolutePath(), "faults.py", cwd);
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "1", "--queue-timeout", "1")) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            Path marker = cwd.resolve("go");
            var held = RawHttp.inBackground(() -> RawHttp.get(port, "/wait?f=" + marker));
            UwsgiProcess.awaitFile(Path.of(marker + ".started"));   // the only core is busy from now on
            assertEquals(503, RawHttp.get(port, "/queued").status(), "waited for a core past --queue-timeout");
            java.nio.file.Files.createFile(marker);
            assertEquals(200, held.get().status(), "the request in hand is not shed");
            assertEquals(200, RawHttp.get(port, "/pid").status(), "the server goes on");
        }
    }

    @Test
    void slowUploadsDoNotHoldTheWorkers() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "overload.py", cwd);
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(), "--master",
                "--processes", "2", "--threads", "1")) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            int length = 256 * 1024;
            byte[] half = new byte[length / 2];
            List<Socket> uploads = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket s = new Socket("127.0.0.1", port);
                    s.setSoTimeout(30_000);
                    s.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + length + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().write(half);
                    s.getOutputStream().flush();
                    uploads.add(s);
                }
                for (int i = 0; i < 5; i++) {
                    var quick = RawHttp.inBackground(() -> RawHttp.get(port, "/quick"));
                    RawHttp.Response r = quick.get(20, TimeUnit.SECONDS); // while every upload still lacks half its body
                    assertEquals(200, r.status());
                    assertEquals("quick\n", r.text());
                }
                for (Socket s : uploads) {
                    s.getOutputStream().write(half);
                    s.getOutputStream().flush();
                }
                for (Socket s : uploads) {
                    String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                    assertTrue(answer.startsWith("HTTP/1.1 200 OK"), answer);
                    assertTrue(answer.endsWith("\r\n\r\n" + length + "\n"), answer);
                }
            } finally {
                for (Socket s : uploads) {
                    s.close();
                }
            }
        }
    }

    /** What 50 clients got: statuses other than 200 and failures, and the count of answers. */
    private record Outcomes(int expected, AtomicInteger ok, ConcurrentLinkedQueue<String> bad, RawHttp.Response late) {
        void assertAllAnswered() {
            assertEquals(List.of(), List.copyOf(bad));
            assertEquals(expected, ok.get(), "every request answered 200");
            assertEquals(200, late.status(), "the client that came mid-run");
        }
    }

    /**
     * {@value #KEEP_ALIVE_CLIENTS} clients on one kept-alive connection each and
     * {@value #NEW_CONNECTION_CLIENTS} with a new connection per request, all on /slow at once;
     * mid-run one more client connects (behind nginx every upstream connection is new: nginx's
     * {@code uwsgi_pass} does not keep them).
     */
    private static Outcomes overload(int port) throws Exception {
        var ok = new AtomicInteger();
        var bad = new ConcurrentLinkedQueue<String>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < KEEP_ALIVE_CLIENTS; c++) {
            clients.add(Thread.ofVirtual().start(() -> {
                try (var http = new RawHttp(port)) {
                    for (int i = 0; i < KEEP_ALIVE_REQUESTS; i++) {
                        count(http.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n").read(), ok, bad);
                    }
                } catch (IOException | RuntimeException e) {
                    bad.add(e.toString());
                }
            }));
        }
        for (int c = 0; c < NEW_CONNECTION_CLIENTS; c++) {
            clients.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < NEW_CONNECTION_REQUESTS; i++) {
                    try {
                        count(RawHttp.get(port, "/slow"), ok, bad);
                    } catch (IOException | RuntimeException e) {
                        bad.add(e.toString());
                    }
                }
            }));
        }
        int expected = KEEP_ALIVE_CLIENTS * KEEP_ALIVE_REQUESTS + NEW_CONNECTION_CLIENTS * NEW_CONNECTION_REQUESTS;
        for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); ok.get() < expected / 4; ) {
            assertTrue(System.nanoTime() < deadline, "the load stalled at " + ok.get() + " answers: " + bad);
            Thread.sleep(5); // waiting for the run to be under way, bounded by the deadline
        }
        CompletableFuture<RawHttp.Response> late = RawHttp.inBackground(() -> RawHttp.get(port, "/quick"));
        for (Thread t : clients) {
            t.join();
        }
        return new Outcomes(expected, ok, bad, late.get(60, TimeUnit.SECONDS));
    }

    private static void count(RawHttp.Response r, AtomicInteger ok, ConcurrentLinkedQueue<String> bad) {
        if (r.status() == 200 && r.text().equals("slow\n")) {
            ok.incrementAndGet();
        } else {
            bad.add(r.status() + " " + r.text().strip());
        }
    }
}
