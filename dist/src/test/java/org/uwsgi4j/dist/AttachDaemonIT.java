package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
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

    @Test
    void attachDaemon2KeysChdirTouchStopAndReloadSignalsStdin() throws Exception {
        Path dir = Files.createDirectory(cwd.resolve("home"));
        Path pids = cwd.resolve("pids2");
        Path touch = cwd.resolve("touch-me");
        Path stops = cwd.resolve("stops"); // the pids that ended on their stop signal
        Files.writeString(touch, "");
        // SIGUSR1 (10) stops it, SIGUSR2 (12) is its reload signal; the shell answers each in the log
        String script = "echo $$ >> " + pids + "; echo in $(pwd) stdin $(readlink /proc/$$/fd/0);"
                + " trap 'echo got-usr2' USR2; trap 'echo got-usr1; echo $$ >> " + stops + "; exit 0' USR1; while :; do sleep 1 & wait; done";
        long first;
        long second;
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--master",
                "--attach-daemon2", "cmd=" + script + ",chdir=" + dir + ",touch=" + touch + ",stopsignal=10,reloadsignal=12,stdin=1",
                "--attach-daemon", "echo plain stdin $(readlink /proc/$$/fd/0); exec sleep 1000")) {
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            server.awaitLine("^in " + Pattern.quote(dir.toString()) + " stdin pipe:\\[\\d+\\]$", WAIT); // chdir, stdin=1: the server's stdin
            server.awaitLine("^plain stdin /dev/null$", WAIT); // uWSGI's default
            first = awaitPids(pids, 1).getFirst();

            Files.setLastModifiedTime(touch, FileTime.fromMillis(Files.getLastModifiedTime(touch).toMillis() + 10_000));
            server.awaitLine("\\*\\*\\* " + Pattern.quote(touch.toString()) + " has been touched\\.\\.\\. reloading daemon \"echo .*\" \\(pid: "
                    + first + "\\) !!! \\*\\*\\*", WAIT);
            server.awaitLine("^got-usr1$", WAIT); // its stop signal
            second = awaitPids(pids, 2).get(1);
            assertNotEquals(first, second);

            new ProcessBuilder("kill", "-HUP", String.valueOf(server.pid())).start().waitFor(); // a reload: its reload signal
            server.awaitLine("\\[uwsgi-daemons\\] reloading: signal 12 to daemon \\(pid: " + second + "\\)", WAIT);
            server.awaitLine("^got-usr2$", WAIT);
            assertTrue(ProcessHandle.of(second).map(ProcessHandle::isAlive).orElse(false), "a reload leaves it running");
        }
        // the server is gone (SIGTERM, waited for): its daemon ended on its stop signal
        assertFalse(ProcessHandle.of(second).map(ProcessHandle::isAlive).orElse(false), "stopped with the server");
        assertEquals(List.of(first, second), awaitPids(stops, 2));
    }

    @Test
    void smartAttachDaemon2WritesThePidfileAndAControlDaemonsDeathStopsTheServer() throws Exception {
        Path pidfile = cwd.resolve("smart2.pid");
        long second = -1;
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--master", "--daemons-honour-stdin",
                "--smart-attach-daemon2", pidfile + " exec sleep 1000",
                "--attach-control-daemon", "echo $$ > " + cwd.resolve("control.pid") + "; echo control stdin $(readlink /proc/$$/fd/0); exec sleep 1000")) {
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            server.awaitLine("^control stdin pipe:\\[\\d+\\]$", WAIT); // --daemons-honour-stdin
            long first = awaitRunningPid(pidfile, -1); // the master wrote the command's own pid: it did not daemonize
            assertTrue(ProcessHandle.of(first).flatMap(h -> h.info().command()).orElse("").endsWith("sleep"));
            ProcessHandle.of(first).orElseThrow().destroyForcibly();
            second = awaitRunningPid(pidfile, first);
            server.awaitLine("\\[uwsgi-daemons\\] respawning \"exec sleep 1000\"", WAIT);

            long controlPid = awaitPids(cwd.resolve("control.pid"), 1).getFirst();
            ProcessHandle.of(controlPid).orElseThrow().destroyForcibly();
            server.awaitLine("\\[uwsgi-daemons\\] control daemon \"echo \\$\\$ > .*\" died: shutting down the server gracefully", WAIT);
            assertEquals(0, server.awaitExit(WAIT));
        } finally {
            if (second > 0) {
                // a smart daemon outlives the server, as in uWSGI
                assertTrue(ProcessHandle.of(second).map(ProcessHandle::isAlive).orElse(false), "left running");
                ProcessHandle.of(second).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void attachDaemon2UidAndGid() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "changing user needs root");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--master",
                "--attach-daemon2", "cmd=echo ids $(id -u) $(id -g) $(id -G); exec sleep 1000,uid=65534,gid=65534")) {
            server.awaitLine("\\[uwsgi-daemons\\] spawning \"echo ids .*\" \\(uid: 65534 gid: 65534\\)", WAIT);
            server.awaitLine("^ids 65534 65534 65534$", WAIT); // no supplementary group left from root
        }
    }

    @Test
    void badDaemonValuesAreRefusedInOneLine() throws Exception {
        var result = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--master", "--attach-daemon2", "cmd=sleep 1,ns_pid=1");
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("--attach-daemon2 'cmd=sleep 1,ns_pid=1': ns_pid (a new pid namespace) is not supported"),
                result.output());
        assertTrue(result.lines().stream().noneMatch(l -> l.startsWith("\tat ")), result.output());
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
