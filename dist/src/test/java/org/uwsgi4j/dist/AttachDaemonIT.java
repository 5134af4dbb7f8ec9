package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --attach-daemon} and {@code --smart-attach-daemon} end to end (uWSGI's core/daemons.c):
 * a daemon killed with SIGKILL is respawned, the plain one is stopped with the server, the smart
 * one is found again through its pidfile and left running at the stop, as uWSGI leaves it. The
 * daemon's environment has {@code --env} and lacks {@code --unenv}'s names, as the workers' does.
 */
class AttachDaemonIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path cwd;

    @Test
    void aDaemonKilledIsRespawnedAndTheServerStopsIt() throws Exception {
        Path pids = cwd.resolve("pids");
        long second;
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--master", "--thunder-lock",
                "--env", "KEEP=kept", "--env", "GONE=set", "--unenv", "GONE", "--unenv", "HOME",
                "--attach-daemon", "echo daemon says hi ${KEEP:-none} ${GONE:-none} ${HOME:-none}; echo $$ >> " + pids + "; exec sleep 1000")) {
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            server.awaitLine("\\[uwsgi-daemons\\] spawning \"echo daemon says hi .*\" \\(uid: \\d+ gid: \\d+\\)", WAIT);
            server.awaitLine("^daemon says hi kept none none$", WAIT); // its output in the log; --env and --unenv
            server.awaitLine("^thunder lock: enabled$", WAIT);
            long first = awaitPids(pids, 1).getFirst();
            ProcessHandle.of(first).orElseThrow().destroyForcibly();
            server.awaitLine("\\[uwsgi-daemons\\] respawning \"echo daemon says hi .*\"", WAIT);
            second = awaitPids(pids, 2).get(1);
            assertNotEquals(first, second);
            assertTrue(ProcessHandle.of(second).map(ProcessHandle::isAlive).orElse(false));
        }
        // the server is gone (SIGTERM, waited for): its daemon went with it
        assertFalse(ProcessHandle.of(second).map(ProcessHandle::isAlive).orElse(false), "stopped with the server");
    }

    @Test
    void aSmartDaemonIsWatchedThroughItsPidfileAndOutlivesTheServer() throws Exception {
        Path pidfile = cwd.resolve("smart.pid");
        long second = -1;
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--master",
                "--smart-attach-daemon", pidfile + " sh -c 'sleep 1000 & echo $! > " + pidfile + "'")) {
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            long first = awaitRunningPid(pidfile, -1);
            server.awaitLine("\\[uwsgi-daemons\\] found changed pid for .* new_pid: " + first + "\\)", WAIT);
            ProcessHandle.of(first).orElseThrow().destroyForcibly();
            second = awaitRunningPid(pidfile, first);
            server.awaitLine("\\[uwsgi-daemons\\] respawning \"sh -c 'sleep 1000", WAIT);
        } finally {
            if (second > 0) {
                // uWSGI leaves a smart daemon running when it stops; so does uwsgi4j
                assertTrue(ProcessHandle.of(second).map(ProcessHandle::isAlive).orElse(false), "left running");
                ProcessHandle.of(second).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** The pids the daemon wrote, once there are {@code n} (bounded poll of a file the daemon writes). */
    private static List<Long> awaitPids(Path file, int n) throws Exception {
        for (long deadline = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < deadline; Thread.sleep(20)) {
            if (Files.exists(file)) {
                List<Long> pids = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(l -> Long.parseLong(l.strip())).toList();
                if (pids.size() >= n) {
                    return pids;
                }
            }
        }
        throw new AssertionError("fewer than " + n + " pids in " + file);
    }

    /** A running pid other than {@code not} in {@code pidfile} (bounded poll). */
    private static long awaitRunningPid(Path pidfile, long not) throws Exception {
        for (long deadline = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < deadline; Thread.sleep(20)) {
            try {
                long pid = Long.parseLong(Files.readString(pidfile).strip());
                if (pid != not && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    return pid;
                }
            } catch (java.io.IOException | NumberFormatException notYet) {
                // not written yet
            }
        }
        throw new AssertionError("no running pid in " + pidfile);
    }
}
