package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master and real CPython workers under faults: a worker killed with -9 (idle, during an
 * idempotent request, during a POST), harakiri, --max-requests under load, a SIGHUP reload
 * under load, SIGTERM with a request in flight, --need-app, and SIGINT when started as a
 * background job of a non-interactive shell.
 */
class WorkersIT {

    private static final Path APPS = Path.of("src/test/resources/apps").toAbsolutePath();

    @TempDir
    Path cwd;

    private Path app(String name) throws Exception {
        return UwsgiProcess.copyApp(APPS, name, cwd);
    }

    /** The code version faults.py serves on /version once a new generation imports it. */
    private void writeVersion(String version) throws Exception {
        Files.writeString(cwd.resolve("version.txt"), version);
    }

    /** Moves {@code file}'s modification time 5 s ahead: seen as touched even within the file system's time granularity. */
    private static void touchAhead(Path file) throws Exception {
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    }

    private static RawHttp.Response get(int port, String path) throws Exception {
        return RawHttp.get(port, path);
    }

    @Test
    void theReadyLineComesOnceTheAppLoadedAndEveryWorkerRuns() throws Exception {
        Path app = app("faults.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "3")) {
            var ready = server.awaitLine("\\*\\*\\* uwsgi4j is ready in (\\d+) ms", UwsgiProcess.START_TIMEOUT);
            String before = server.output();
            before = before.substring(0, before.indexOf("*** uwsgi4j is ready"));
            for (int id = 1; id <= 3; id++) {
                assertTrue(before.contains("spawned uWSGI worker " + id + " "), "worker " + id + " spawned before the ready line:\n" + before);
            }
            assertTrue(before.contains("ready (generation 1"), before);
            long ms = Long.parseLong(ready.group(1));
            assertTrue(ms > 0 && ms < UwsgiProcess.START_TIMEOUT.toMillis(), "the JVM's uptime: " + ms);
        }
    }

    @Test
    void killedWorkersAreRespawnedAndIdempotentRequestsRetried() throws Exception {
        Path app = app("faults.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "2")) {
            int port = server.httpPort();
            long pid1 = server.workerPid(1);
            long pid2 = server.workerPid(2);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            assertTrue(get(port, "/").text().startsWith("hello from "));

            // an idle worker killed: respawned, log lines as uWSGI's
            ProcessHandle.of(pid1).orElseThrow().destroyForcibly();
            server.awaitLine("DAMN ! worker 1 \\(pid: " + pid1 + "\\) died, killed by signal 9 :\\( trying respawn \\.\\.\\.", Duration.ofSeconds(10));
            long pid1b = Long.parseLong(server.awaitLine("Respawned uWSGI worker 1 \\(new pid: (\\d+)\\)", Duration.ofSeconds(10)).group(1));
            assertNotEquals(pid1, pid1b);

            // a GET held in a worker that is killed: retried on another worker, the client never sees it
            Path marker = cwd.resolve("go1");
            var held = RawHttp.inBackground(() -> get(port, "/wait?f=" + marker));
            UwsgiProcess.awaitFile(Path.of(marker + ".started"));
            Files.delete(Path.of(marker + ".started"));
            killWhoeverServes(port);
            UwsgiProcess.awaitFile(Path.of(marker + ".started")); // the retry reached another worker
            Files.createFile(marker);
            var r = held.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.status());
            assertEquals("waited", r.text());
            server.awaitLine("sending it to another worker", Duration.ofSeconds(5));

            // a POST whose worker dies gets a clean 502 at once
            Path marker2 = cwd.resolve("go2");
            var post = RawHttp.inBackground(() -> {
                try (var http = new RawHttp(port)) {
                    return http.send("POST /wait?f=" + marker2 + " HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi").read();
                }
            });
            UwsgiProcess.awaitFile(Path.of(marker2 + ".started"));
            killWhoeverServes(port);
            assertEquals(502, post.get(30, TimeUnit.SECONDS).status());

            // and the next requests succeed
            for (int i = 0; i < 5; i++) {
                assertEquals(200, get(port, "/").status());
            }
        }
    }

    /**
     * Kills the busy worker of two: every forked worker (a python child of the python host)
     * except the one that answers a quick /pid, which is the idle one.
     */
    private static void killWhoeverServes(int port) throws Exception {
        long idle = Long.parseLong(get(port, "/pid").text());
        for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
            if (p.pid() != idle && p.info().command().orElse("").contains("python")
                    && p.parent().map(pp -> pp.info().command().orElse("").contains("python")).orElse(false)) {
                p.destroyForcibly();
            }
        }
    }

    /**
     * The threads that read the workers' stdout and stderr must not hold the carriers of the
     * virtual-thread scheduler that serves the connections: with one carrier and no room to
     * add another, a quiet worker's pipe read on a virtual thread would stop every connection.
     */
    @Test
    void quietWorkerPipesNeverHoldTheConnectionsThreads() throws Exception {
        Path app = app("faults.py");
        var oneCarrier = java.util.Map.of("UWSGI4J_JAVA_OPTS",
                "-Djdk.virtualThreadScheduler.parallelism=1 -Djdk.virtualThreadScheduler.maxPoolSize=1");
        try (var server = UwsgiProcess.start(cwd, oneCarrier, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--lazy-apps", "--processes", "2")) {
            int port = server.httpPort();
            server.workerPid(1);
            server.workerPid(2);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            var answers = RawHttp.inBackground(() -> {
                RawHttp.Response last = null;
                for (int i = 0; i < 20; i++) {
                    last = get(port, "/");
                    assertEquals(200, last.status());
                }
                return last;
            });
            assertTrue(answers.get(20, TimeUnit.SECONDS).text().startsWith("hello from "));
        }
    }

    @Test
    void harakiriKillsAHungWorkerAndItIsRespawned() throws Exception {
        Path app = app("faults.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "2", "--harakiri", "1", "--harakiri-verbose", "--stats", "127.0.0.1:0")) {
            int port = server.httpPort();
            int stats = Integer.parseInt(server.awaitLine("Stats server enabled on 127\\.0\\.0\\.1:(\\d+)", UwsgiProcess.START_TIMEOUT).group(1));
            long pid1 = server.workerPid(1);
            long pid2 = server.workerPid(2);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            assertEquals(502, get(port, "/hang").status());
            String victim = server.awaitLine("\\*\\*\\* HARAKIRI ON WORKER (\\d) \\(pid: (\\d+), try: 1\\) \\*\\*\\*", Duration.ofSeconds(10)).group(1);
            // --harakiri-verbose: where the worker was stuck, from /proc as uWSGI prints it
            server.awaitLine("HARAKIRI: -- syscall> \\d+ ", Duration.ofSeconds(10));
            server.awaitLine("HARAKIRI: -- wchan> \\S+", Duration.ofSeconds(10));
            long respawned = Long.parseLong(server.awaitLine("Respawned uWSGI worker " + victim + " \\(new pid: (\\d+)\\)", Duration.ofSeconds(10)).group(1));
            for (int i = 0; i < 4; i++) {
                assertEquals(200, get(port, "/").status());
            }
            // the stats show the respawn: new pid, respawn_count 2 (uWSGI counts the first spawn), both idle
            int v = Integer.parseInt(victim);
            var rows = StatsReader.awaitRequests(stats, 4);
            assertEquals(2, rows.size(), rows.toString());
            var killed = rows.get(v - 1);
            var other = rows.get(2 - v);
            assertEquals(respawned, killed.pid());
            assertEquals(2, killed.respawnCount());
            assertEquals(v == 1 ? pid2 : pid1, other.pid());
            assertEquals(1, other.respawnCount());
            assertEquals(List.of("idle", "idle"), rows.stream().map(StatsReader.Row::status).toList());
        }
    }

    @Test
    void maxRequestsRecyclesUnderLoadWithoutAFailure() throws Exception {
        Path app = app("faults.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "2", "--max-requests", "5", "--disable-logging")) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            var failures = load(port, 4, 60, "/");
            assertEquals(List.of(), failures);
            server.awaitLine("reached --max-requests 5: recycling it", Duration.ofSeconds(5));
            server.awaitLine("Respawned uWSGI worker \\d \\(new pid: \\d+\\)", Duration.ofSeconds(10));
        }
    }

    /** {@code clients} threads doing {@code each} requests, a new connection each; the failures. */
    private static List<String> load(int port, int clients, int each, String path) throws InterruptedException {
        var failures = new ConcurrentLinkedQueue<String>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < each; i++) {
                    try {
                        var r = get(port, path);
                        if (r.status() != 200) {
                            failures.add("status " + r.status());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return new ArrayList<>(failures);
    }

    @Test
    void sighupReloadsUnderLoadWithoutAFailureAndServesTheNewCode() throws Exception {
        Path app = app("faults.py");
        writeVersion("one");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "2", "--disable-logging")) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            long pid = server.pid();
            assertEquals("one", get(port, "/version").text());
            var load = Load.start(port, 4, "/");
            writeVersion("two");
            new ProcessBuilder("kill", "-HUP", String.valueOf(pid)).start().waitFor();
            awaitVersion(port, "two");
            server.awaitLine("worker \\d \\(pid: \\d+\\) stopped", Duration.ofSeconds(20));
            int ok = load.ok();
            assertEquals(List.of(), load.stop());
            assertTrue(ok > 0);
        }
    }

    @Test
    void sigtermLetsTheRequestInFlightFinish() throws Exception {
        Path app = app("faults.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(), "--master")) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            Path marker = cwd.resolve("go");
            var held = RawHttp.inBackground(() -> get(port, "/wait?f=" + marker));
            UwsgiProcess.awaitFile(Path.of(marker + ".started"));
            new ProcessBuilder("kill", "-TERM", String.valueOf(server.pid())).start().waitFor();
            server.awaitLine("SIGTERM received: shutting down gracefully", Duration.ofSeconds(5));
            // the listening socket closes first: a new client is refused (not answered 502) while the request in hand runs
            awaitRefused(port);
            assertTrue(!held.isDone(), "the request in hand is still running");
            Files.createFile(marker);
            var r = held.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.status());
            assertEquals(0, server.awaitExit(Duration.ofSeconds(30)));
        }
    }

    /** Waits (up to 10 s) until a connection to {@code port} is refused. */
    private static void awaitRefused(int port) throws Exception {
        for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); ; ) {
            try (var socket = new java.net.Socket("127.0.0.1", port)) {
                assertTrue(System.nanoTime() < deadline, "port " + port + " still accepts connections 10 s after SIGTERM");
            } catch (java.net.ConnectException refused) {
                return;
            } catch (java.net.SocketException reset) {
                if (String.valueOf(reset.getMessage()).contains("reset")) {
                    return; // the handshake was done (TCP_DEFER_ACCEPT) when the listening socket closed: refused all the same
                }
                throw reset;
            }
            Thread.sleep(20); // polling for the close, bounded by the deadline
        }
    }

    @Test
    void needAppEndsTheServerWithExitCode22() throws Exception {
        Path app = app("broken.py");
        var result = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(), "--need-app");
        assertEquals(22, result.exitCode(), result.output());
        assertTrue(result.output().contains("this_module_does_not_exist"), result.output());
        assertTrue(result.output().contains("GAME OVER"), result.output());
    }

    @Test
    void lazyAppsServe() throws Exception {
        Path app = app("faults.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "2", "--lazy-apps")) {
            int port = server.httpPort();
            server.workerPid(1);
            server.workerPid(2);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            assertEquals(200, get(port, "/").status());
        }
    }

    @Test
    void sigintWorksWhenStartedAsABackgroundJobOfANonInteractiveShell() throws Exception {
        Path app = app("faults.py");
        Path log = cwd.resolve("bg.log");
        String cmd = UwsgiProcess.DIST.resolve("bin/uwsgi4j") + " --http-socket 127.0.0.1:0 --wsgi-file " + app
                + " > " + log + " 2>&1 & echo $!";
        // a non-interactive shell starts background jobs with SIGINT and SIGQUIT ignored
        Process sh = new ProcessBuilder("sh", "-c", cmd).start();
        long pid = Long.parseLong(new String(sh.getInputStream().readAllBytes()).strip());
        sh.waitFor();
        ProcessHandle server = ProcessHandle.of(pid).orElseThrow();
        try {
            for (long deadline = System.nanoTime() + UwsgiProcess.START_TIMEOUT.toNanos();
                 !(Files.exists(log) && Files.readString(log).contains("uwsgi4j is ready")); ) {
                assertTrue(System.nanoTime() < deadline && server.isAlive(), "not ready:\n" + (Files.exists(log) ? Files.readString(log) : ""));
                Thread.sleep(50); // polling the log file, bounded by the deadline
            }
            new ProcessBuilder("kill", "-INT", String.valueOf(pid)).start().waitFor();
            server.onExit().get(30, TimeUnit.SECONDS);
            assertTrue(Files.readString(log).contains("SIGINT received: shutting down gracefully"), Files.readString(log));
        } finally {
            server.destroyForcibly();
        }
    }

    /** The forked workers of the server: python processes whose parent is the python host. */
    private static List<ProcessHandle> workers() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().orElse("").contains("python")
                        && p.parent().map(pp -> pp.info().command().orElse("").contains("python")).orElse(false))
                .toList();
    }

    @Test
    void twentyClientsLoseNothingWhileWorkersAreKilledAndReloaded() throws Exception {
        Path app = app("faults.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "4", "--disable-logging")) {
            int port = server.httpPort();
            for (int w = 1; w <= 4; w++) {
                server.workerPid(w);
            }
            var load = Load.start(port, 20, "/");
            load.awaitMore(200);
            workers().getFirst().destroyForcibly();
            server.awaitLine("Respawned uWSGI worker", Duration.ofSeconds(10));
            load.awaitMore(200);
            new ProcessBuilder("kill", "-HUP", String.valueOf(server.pid())).start().waitFor();
            load.awaitMore(200);
            workers().getLast().destroyForcibly();
            load.awaitMore(500);
            int ok = load.ok();
            assertEquals(List.of(), load.stop(), "after " + ok + " good requests");
        }
    }

    /** Polls /version until it answers {@code expected}. */
    private static void awaitVersion(int port, String expected) throws Exception {
        String version = "";
        for (long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); !version.equals(expected); ) {
            version = get(port, "/version").text();
            assertTrue(System.nanoTime() < deadline, "version " + expected + " was never served, still " + version);
        }
    }

    @Test
    void chainReloadReplacesLazyWorkersOneAtATimeUnderLoad() throws Exception {
        Path app = app("faults.py");
        writeVersion("one");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "2", "--lazy-apps", "--chain-reload", "--disable-logging")) {
            int port = server.httpPort();
            server.workerPid(1);
            server.workerPid(2);
            assertEquals("one", get(port, "/version").text());
            var load = Load.start(port, 4, "/");
            writeVersion("two");
            new ProcessBuilder("kill", "-HUP", String.valueOf(server.pid())).start().waitFor();
            server.awaitLine("^chain next victim is worker 1$", Duration.ofSeconds(10));
            server.awaitLine("^chain next victim is worker 2$", Duration.ofSeconds(20));
            server.awaitLine("^chain reloading complete$", Duration.ofSeconds(20));
            awaitVersion(port, "two");
            assertEquals(List.of(), load.stop());
        }
    }

    @Test
    void touchReloadAndTheShellsReloadServeTheNewCode() throws Exception {
        Path app = app("faults.py");
        Path touch = Files.writeString(cwd.resolve("reload.touch"), "");
        writeVersion("one");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--touch-reload", touch.toString(), "--shell-socket", cwd.resolve("shell.sock").toString())) {
            int port = server.httpPort();
            String shell = server.awaitShell();
            server.workerPid(1);
            assertEquals("one", get(port, "/version").text());

            writeVersion("two");
            touchAhead(touch);
            server.awaitLine("\\*\\*\\* " + java.util.regex.Pattern.quote(touch.toString()) + " has been touched\\.\\.\\. grace them all !!! \\*\\*\\*",
                    Duration.ofSeconds(10));
            awaitVersion(port, "two");

            writeVersion("three");
            var reload = new Shell(cwd, shell).run("uwsgi:reload");
            assertEquals(0, reload.exitCode(), reload.output());
            awaitVersion(port, "three");
            var workers = new Shell(cwd, shell).run("uwsgi:workers");
            assertTrue(workers.lines().stream().anyMatch(l -> l.matches("0\\s+1\\s+\\d+\\s+(idle|busy)\\s+\\d+\\s+0\\s+\\d+")), workers.output());
        }
    }

    @Test
    void unknownUsersAreOneLine() throws Exception {
        var uid = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--uid", "no-such-user-here");
        assertEquals(1, uid.exitCode(), uid.output());
        assertEquals("uid no-such-user-here: no such user", uid.lines().getLast());
        var gid = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--gid", "no-such-group-here");
        assertEquals(1, gid.exitCode(), gid.output());
        assertEquals("gid no-such-group-here: no such group", gid.lines().getLast());
    }

    @Test
    void workersRunAsUidAndGid() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "dropping privileges needs root");
        Path app = app("faults.py");
        // the workers (nobody) read the app: open the test directory to them
        Files.setPosixFilePermissions(cwd, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(app, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--uid", "nobody", "--gid", "nogroup", "--processes", "2")) {
            int port = server.httpPort();
            server.workerPid(1);
            server.workerPid(2);
            long pid = Long.parseLong(get(port, "/pid").text());
            String status = Files.readString(Path.of("/proc/" + pid + "/status"));
            String nobody = new String(new ProcessBuilder("id", "-u", "nobody").start().getInputStream().readAllBytes()).strip();
            assertTrue(status.lines().anyMatch(l -> l.matches("Uid:\\s+" + nobody + "\\s+" + nobody + ".*")), status);
            assertEquals(200, get(port, "/").status());
            String master = Files.readString(Path.of("/proc/" + server.pid() + "/status"));
            assertTrue(master.lines().anyMatch(l -> l.matches("Uid:\\s+" + nobody + "\\s+" + nobody + ".*")), "the master dropped them too:\n" + master);
        }
    }

    @Test
    void pyAutoreloadReloadsWhenTheAppFileChanges() throws Exception {
        Path app = app("faults.py");
        writeVersion("one");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--processes", "2", "--py-autoreload", "1")) {
            int port = server.httpPort();
            server.workerPid(1);
            assertEquals("one", get(port, "/version").text());
            writeVersion("two");
            touchAhead(app);
            server.awaitLine("\\[uwsgi-python-reloader\\] module/file " + java.util.regex.Pattern.quote(app.toString()) + " has been modified",
                    Duration.ofSeconds(10));
            awaitVersion(port, "two");
        }
    }
}
