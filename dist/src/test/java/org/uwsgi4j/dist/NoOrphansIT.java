package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --no-orphans} (uWSGI: "automatically kill workers if master dies") is how uwsgi4j
 * always behaves: a master killed with -9 takes its worker host and every worker with it, since
 * they stop when their channels to the master close; a worker busy in a request finishes it
 * first (its answer has nowhere to go) and then stops. Preforked with and without the option,
 * and with {@code --lazy-apps} (no host).
 */
class NoOrphansIT {

    private static final Path APPS = Path.of("src/test/resources/apps").toAbsolutePath();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path cwd;

    @Test
    void killingTheMasterEndsTheHostAndTheWorkersEvenOneBusyInARequest() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--processes", "2")) {
            int port = server.httpPort();
            long[] workers = {server.workerPid(1), server.workerPid(2)};
            List<ProcessHandle> processes = ready(server, workers, 1);
            Path marker = cwd.resolve("go");
            var held = RawHttp.inBackground(() -> RawHttp.get(port, "/wait?f=" + marker));
            UwsgiProcess.awaitFile(Path.of(marker + ".started"));
            long idle = Long.parseLong(RawHttp.get(port, "/pid").text()); // the held request's worker is busy
            long busy = workers[0] == idle ? workers[1] : workers[0];
            ProcessHandle busyWorker = processes.stream().filter(p -> p.pid() == busy).findFirst().orElseThrow();

            killMaster(server);
            awaitGone(processes.stream().filter(p -> p != busyWorker).toList());
            assertTrue(running(busyWorker), "a request in hand is not cut");
            Files.createFile(marker); // the busy worker ends its request, finds no master and stops
            awaitGone(List.of(busyWorker));
            assertTrue(held.isDone(), "the client lost its connection with the master");
        }
    }

    @Test
    void withNoOrphansKillingTheMasterEndsTheHostAndTheWorkers() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--processes", "2", "--no-orphans")) {
            server.httpPort();
            List<ProcessHandle> processes = ready(server, new long[] {server.workerPid(1), server.workerPid(2)}, 1);
            killMaster(server);
            awaitGone(processes);
        }
    }

    @Test
    void withLazyAppsAndNoOrphansKillingTheMasterEndsTheWorkers() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--processes", "2", "--lazy-apps", "--no-orphans")) {
            server.httpPort();
            List<ProcessHandle> processes = ready(server, new long[] {server.workerPid(1), server.workerPid(2)}, 0);
            killMaster(server);
            awaitGone(processes);
        }
    }

    /** Waits for the ready line and returns every process below the master: {@code hosts} worker hosts and the workers. */
    private static List<ProcessHandle> ready(UwsgiProcess server, long[] workers, int hosts) throws Exception {
        server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
        List<ProcessHandle> below = ProcessHandle.of(server.pid()).orElseThrow().descendants().toList();
        for (long pid : workers) {
            assertTrue(below.stream().anyMatch(p -> p.pid() == pid), "worker " + pid + " is not below the master: " + below);
        }
        assertEquals(workers.length + hosts, below.size(), "below the master: " + below);
        return below;
    }

    private static void killMaster(UwsgiProcess server) throws InterruptedException {
        ProcessHandle master = ProcessHandle.of(server.pid()).orElseThrow();
        assertTrue(master.destroyForcibly(), "SIGKILL sent");
        assertEquals(137, server.awaitExit(WAIT));
    }

    /** Waits (bounded) until every one of {@code processes} has ended (a zombie waiting for its reaper counts as ended). */
    private static void awaitGone(List<ProcessHandle> processes) throws Exception {
        for (long deadline = System.nanoTime() + WAIT.toNanos(); ; ) {
            List<ProcessHandle> running = processes.stream().filter(NoOrphansIT::running).toList();
            if (running.isEmpty()) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "still running after the master's death: "
                    + running.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList());
            Thread.sleep(50); // polling the processes' state, bounded by the deadline
        }
    }

    private static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (NoSuchFileException gone) {
            return false;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
