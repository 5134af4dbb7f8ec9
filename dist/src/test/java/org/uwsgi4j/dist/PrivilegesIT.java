package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --uid nobody --gid nogroup} started as root: the master (the JVM) drops its own
 * privileges once its sockets are bound, with uWSGI's lines (--pidfile written before, as root;
 * --pidfile2 after, as nobody); its workers run as nobody too; and what the master does later
 * as nobody still works: serving, respawning a killed worker, a SIGHUP reload (a new worker
 * host started by the unprivileged master), installing a bundle dropped into --bundles-dir,
 * and a clean SIGTERM shutdown. Skipped unless the tests run as root.
 */
class PrivilegesIT {

    private static final Path APPS = Path.of("src/test/resources/apps").toAbsolutePath();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path cwd;

    @BeforeEach
    void onlyAsRoot() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "dropping privileges needs root");
    }

    @Test
    void theMasterDropsToUidAndGidAndKeepsWorking() throws Exception {
        String uid = command("id", "-u", "nobody");
        String gid = command("getent", "group", "nogroup").split(":")[2];
        // nobody reads the app and the drop-in directory; only run/ is writable by it
        Files.setPosixFilePermissions(cwd, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        Path drop = Files.createDirectory(cwd.resolve("drop"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path run = Files.createDirectory(cwd.resolve("run"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path pidfile = cwd.resolve("master.pid");
        Path pidfile2 = run.resolve("master2.pid");

        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--uid", "nobody", "--gid", "nogroup", "--processes", "2", "--pidfile", pidfile.toString(),
                "--pidfile2", pidfile2.toString(), "--bundles-dir", drop.toString(), "--shell-socket", cwd.resolve("shell.sock").toString())) {
            int port = server.httpPort();
            var shell = new Shell(cwd, server.awaitShell());

            // uWSGI's lines, in uWSGI's order
            List<String> lines = server.output().lines().toList();
            int written = indexOf(lines, "writing pidfile to " + pidfile);
            int setgid = indexOf(lines, "setgid() to " + gid);
            int setuid = indexOf(lines, "setuid() to " + uid);
            int written2 = indexOf(lines, "writing pidfile to " + pidfile2);
            assertTrue(indexOf(lines, "uwsgi socket 0 bound to TCP address") < setgid, server.output());
            assertTrue(written < setgid && setgid < setuid && setuid < written2, server.output());
            assertFalse(server.output().contains("you are running uWSGI as root"), server.output());
            assertEquals(0, Files.getAttribute(pidfile, "unix:uid", LinkOption.NOFOLLOW_LINKS), "--pidfile is written as root");
            assertEquals(Integer.parseInt(uid), Files.getAttribute(pidfile2, "unix:uid", LinkOption.NOFOLLOW_LINKS), "--pidfile2 as nobody");

            assertRunsAs(server.pid(), uid, gid);
            assertRunsAs(server.workerPid(1), uid, gid);
            assertRunsAs(server.workerPid(2), uid, gid);
            assertEquals(200, RawHttp.get(port, "/").status());

            // a killed worker is respawned by the unprivileged master
            long killed = server.workerPid(1);
            ProcessHandle.of(killed).orElseThrow().destroyForcibly();
            long respawned = Long.parseLong(server.awaitLine("Respawned uWSGI worker 1 \\(new pid: (\\d+)\\)", WAIT).group(1));
            assertNotEquals(killed, respawned);
            assertRunsAs(respawned, uid, gid);
            for (int i = 0; i < 4; i++) {
                assertEquals(200, RawHttp.get(port, "/").status());
            }

            // a reload starts a new worker host from the unprivileged master: it is nobody already
            new ProcessBuilder("kill", "-HUP", String.valueOf(server.pid())).start().waitFor();
            long host2 = Long.parseLong(server.awaitLine("faults\\.py ready \\(generation 2, host pid: (\\d+)\\)", WAIT).group(1));
            assertRunsAs(host2, uid, gid);
            server.awaitLine("worker 1 \\(pid: " + respawned + "\\) stopped", WAIT);
            server.awaitLine("worker 2 \\(pid: " + server.workerPid(2) + "\\) stopped", WAIT);
            long served = Long.parseLong(RawHttp.get(port, "/pid").text());
            assertEquals(host2, ProcessHandle.of(served).orElseThrow().parent().orElseThrow().pid(), "served by generation 2");
            assertRunsAs(served, uid, gid);

            // a bundle dropped in is installed into the bundle cache by the unprivileged master
            Files.copy(UwsgiProcess.DIST.resolve("plugins/plugin-echo.jar"), drop.resolve("echo.jar"));
            server.awaitLine("bundles-dir: started org\\.uwsgi4j\\.plugin-echo 0\\.1\\.0", WAIT);
            var plugins = shell.run("uwsgi:plugins");
            assertEquals(0, plugins.exitCode(), plugins.output());
            assertTrue(plugins.lines().stream().anyMatch(l -> l.matches("echo\\s+0\\.1\\.0\\s+ACTIVE\\s+101\\s+-\\s+\\S+")), plugins.output());
            assertEquals(200, RawHttp.get(port, "/").status());

            new ProcessBuilder("kill", "-TERM", String.valueOf(server.pid())).start().waitFor();
            assertEquals(0, server.awaitExit(Duration.ofSeconds(60)), server.output());
            assertFalse(Files.exists(pidfile2), "--pidfile2 is removed at exit");
            assertTrue(Files.exists(pidfile), "--pidfile (root's, in root's directory) cannot be removed by nobody");
            server.awaitLine("pidfile " + Pattern.quote(pidfile.toString()) + " left in place", WAIT);
            assertFalse(server.output().contains("error while stopping"), server.output());
        }
    }

    /** Real, effective, saved and filesystem ids of {@code pid} are uid/gid, and its only group is gid. */
    private static void assertRunsAs(long pid, String uid, String gid) throws Exception {
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        assertTrue(status.lines().anyMatch(l -> l.matches("Uid:\\s+" + uid + "\\s+" + uid + "\\s+" + uid + "\\s+" + uid)), status);
        assertTrue(status.lines().anyMatch(l -> l.matches("Gid:\\s+" + gid + "\\s+" + gid + "\\s+" + gid + "\\s+" + gid)), status);
        assertTrue(status.lines().anyMatch(l -> l.matches("Groups:\\s*" + gid + "\\s*")), status);
    }

    private static int indexOf(List<String> lines, String start) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(start)) {
                return i;
            }
        }
        throw new AssertionError("no line starting with '" + start + "' in:\n" + String.join("\n", lines));
    }

    private static String command(String... command) throws Exception {
        Process p = new ProcessBuilder(command).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(0, p.waitFor(), String.join(" ", command));
        return out;
    }
}
