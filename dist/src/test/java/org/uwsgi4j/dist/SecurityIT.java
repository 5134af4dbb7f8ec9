package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management surfaces against a second local user (docs/security.md): started as root, the
 * server is driven by {@code nobody} through {@code setpriv}. The Unix shell refuses nobody and
 * serves root, also with its socket file made 0666 (so the peer-credential check itself is
 * what refuses); a world-writable drop-in directory or plugins directory refuses the start
 * (accepted, with a warning, by {@code --allow-unsafe-code-dirs}); a jar or a {@code .cfg}
 * dropped with group/other write permission is not installed while a safe one is; the shell's
 * {@code install} refuses an unsafe jar, and a jar made unsafe and rewritten after its install
 * is updated but never resolves; a Unix stats socket takes {@code --chmod-socket}'s mode;
 * {@code --uid} without {@code --gid} warns and clears root's groups; a TCP shell on a port
 * below 1024 with a root-only token file works under {@code --uid}. Skipped (with the reason) unless the tests run as root.
 */
class SecurityIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path cwd;

    @BeforeEach
    void onlyAsRoot() throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "a second, unprivileged uid needs root to become it");
        // nobody can reach what it is given inside cwd, nothing more
        Files.setPosixFilePermissions(cwd, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void theUnixShellServesRootAndRefusesNobodyEvenThroughAWorldWritableSocket() throws Exception {
        Path socket = cwd.resolve("shell.sock");
        try (var server = UwsgiProcess.start(cwd, "--shell-socket", socket.toString())) {
            var shell = new Shell(cwd, server.awaitShell());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));

            var denied = asNobody("--connect", socket.toString(), "uwsgi:version");
            assertEquals(2, denied.exitCode(), denied.output());
            assertTrue(denied.output().contains("Permission denied"), denied.output());

            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            var refused = asNobody("--connect", socket.toString(), "uwsgi:version");
            assertEquals(2, refused.exitCode(), refused.output());
            assertFalse(refused.output().contains("uwsgi4j 0.1.0"), refused.output());
            server.awaitLine("shell: refused a connection from uid " + nobodyUid()
                    + " \\(nobody\\): only root and the server's user \\(uid 0\\) may use the shell", WAIT);

            var root = shell.run("uwsgi:version");
            assertEquals(0, root.exitCode(), root.output());
            assertEquals("uwsgi4j 0.1.0", root.output().strip());
        }
    }

    @Test
    void aWorldWritableDropInOrPluginsDirectoryRefusesTheStart() throws Exception {
        Path drop = Files.createDirectory(cwd.resolve("drop"));
        Files.setPosixFilePermissions(drop, PosixFilePermissions.fromString("rwxrwxrwx"));
        var refused = UwsgiProcess.run(cwd, "--bundles-dir", drop.toString());
        assertEquals(1, refused.exitCode(), refused.output());
        assertEquals("bundles-dir " + drop + ": unsafe: " + drop + " is writable by group and others (mode 0777)"
                + " (anyone who can write there can run code in the master; fix the owner or mode, or accept the risk with"
                + " --allow-unsafe-code-dirs)", refused.lines().getLast());

        Path plugins = Files.createDirectory(cwd.resolve("plugins"));
        Files.copy(UwsgiProcess.DIST.resolve("plugins/plugin-echo.jar"), plugins.resolve("echo.jar"));
        Files.setPosixFilePermissions(plugins.resolve("echo.jar"), PosixFilePermissions.fromString("rw-rw-r--"));
        var plugin = UwsgiProcess.run(cwd, "--plugins-dir", plugins.toString(), "--plugins", "echo");
        assertEquals(1, plugin.exitCode(), plugin.output());
        assertTrue(plugin.lines().getLast().startsWith("plugins-dir " + plugins + ": unsafe: " + plugins.resolve("echo.jar")
                + " is writable by its group (mode 0664)"), plugin.output());

        try (var server = UwsgiProcess.start(cwd, "--bundles-dir", drop.toString(), "--allow-unsafe-code-dirs")) {
            server.awaitLine("\\*\\*\\* WARNING: bundles-dir " + drop + ": unsafe: .* accepted by --allow-unsafe-code-dirs \\*\\*\\*", WAIT);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
        }
    }

    @Test
    void aJarOrCfgDroppedWithGroupOrOtherWriteIsNotInstalled() throws Exception {
        Path drop = Files.createDirectory(cwd.resolve("drop"));
        Path staging = Files.createDirectory(cwd.resolve("staging"));
        try (var server = UwsgiProcess.start(cwd, "--bundles-dir", drop.toString(), "--shell-socket", cwd.resolve("shell.sock").toString())) {
            var shell = new Shell(cwd, server.awaitShell());

            // written elsewhere, made unsafe, then moved in whole: FileInstall sees it only as it is
            Path jar = staging.resolve("echo.jar");
            Files.copy(UwsgiProcess.DIST.resolve("plugins/plugin-echo.jar"), jar);
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-rw-"));
            Files.move(jar, drop.resolve("echo.jar"));
            Path cfg = Files.writeString(staging.resolve("org.example.pid.cfg"), "key = value\n");
            Files.setPosixFilePermissions(cfg, PosixFilePermissions.fromString("rw-rw-rw-"));
            Files.move(cfg, drop.resolve("org.example.pid.cfg"));
            server.awaitLine("bundles-dir: not installing " + drop.resolve("echo.jar") + ": unsafe: " + drop.resolve("echo.jar")
                    + " is writable by group and others \\(mode 0666\\)", WAIT);
            server.awaitLine("bundles-dir: not installing " + drop.resolve("org.example.pid.cfg") + ": unsafe: ", WAIT);

            // a safe jar beside it is installed: the check refuses the file, not the directory
            Path alarm = staging.resolve("alarm.jar");
            Files.copy(UwsgiProcess.DIST.resolve("plugins/plugin-alarm.jar"), alarm);
            Files.move(alarm, drop.resolve("alarm.jar"));
            server.awaitLine("bundles-dir: started org\\.uwsgi4j\\.plugin-alarm 0\\.1\\.0", WAIT);
            var plugins = shell.run("uwsgi:plugins");
            assertTrue(plugins.lines().stream().anyMatch(l -> l.matches("echo\\s+0\\.1\\.0\\s+available\\s+.*")), plugins.output());
            assertFalse(server.output().contains("org.uwsgi4j.plugin-echo"), server.output());

            var install = shell.run("install " + drop.resolve("echo.jar"));
            assertEquals(1, install.exitCode(), install.output());
            assertTrue(install.output().contains("install " + drop.resolve("echo.jar") + ": refused: unsafe: "), install.output());
            var lb = shell.run("lb");
            assertFalse(lb.output().contains("plugin-echo"), lb.output());

            // the installed jar made unsafe and rewritten in place: FileInstall updates it, and it never resolves again
            Path installed = drop.resolve("alarm.jar");
            Files.setPosixFilePermissions(installed, PosixFilePermissions.fromString("rw-rw-rw-"));
            Files.write(installed, Files.readAllBytes(UwsgiProcess.DIST.resolve("plugins/plugin-alarm.jar")));
            Files.setLastModifiedTime(installed, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
            server.awaitLine("\\*\\*\\* org\\.uwsgi4j\\.plugin-alarm 0\\.1\\.0 \\(file:.*alarm\\.jar\\) will not be resolved: unsafe: "
                    + installed + " is writable by group and others \\(mode 0666\\) \\*\\*\\*", WAIT);
            server.awaitLine("bundles-dir: updated org\\.uwsgi4j\\.plugin-alarm", WAIT);
            lb = shell.run("lb");
            assertTrue(lb.lines().stream().anyMatch(l -> l.contains("plugin-alarm") && l.contains("Installed")), lb.output());
        }
    }

    @Test
    void aUnixStatsSocketTakesChmodSocketsModeAndKeepsNobodyOut() throws Exception {
        Path stats = cwd.resolve("stats.sock");
        try (var server = UwsgiProcess.start(cwd, "--stats", stats.toString(), "--chmod-socket=600")) {
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stats)));
            var denied = asNobody("--connect-and-read", stats.toString());
            assertEquals(1, denied.exitCode(), denied.output());
            assertTrue(denied.output().contains("Permission denied"), denied.output());
            var root = UwsgiProcess.run(cwd, "--connect-and-read", stats.toString());
            assertEquals(0, root.exitCode(), root.output());
            assertTrue(root.output().contains("\"workers\":["), root.output());
        }
    }

    @Test
    void uidWithoutGidWarnsAndClearsRootsGroups() throws Exception {
        try (var server = UwsgiProcess.start(cwd, "--uid", "nobody", "--shell-socket", cwd.resolve("shell.sock").toString())) {
            server.awaitLine("\\*\\*\\* WARNING: --uid without --gid: the group stays 0 \\(root's\\); use the --gid flag \\*\\*\\*", UwsgiProcess.START_TIMEOUT);
            String address = server.awaitShell();
            String status = Files.readString(Path.of("/proc/" + server.pid() + "/status"));
            String nobody = nobodyUid();
            assertTrue(status.lines().anyMatch(l -> l.matches("Uid:\\s+" + nobody + "(\\s+" + nobody + "){3}")), status);
            assertTrue(status.lines().anyMatch(l -> l.matches("Groups:\\s*")), status);
            // the socket is nobody's now: nobody, the server's user, is served
            var served = asNobody("--connect", address, "uwsgi:version");
            assertEquals(0, served.exitCode(), served.output());
        }
    }

    @Test
    void aTcpShellIsBoundAndItsRootOnlyTokenReadBeforeThePrivilegesDrop() throws Exception {
        int port = freePortBelow1024();
        Path token = Files.writeString(cwd.resolve("root.token"), "s3cret\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        try (var server = UwsgiProcess.start(cwd, "--uid", "nobody", "--gid", "nogroup",
                "--shell-socket", "127.0.0.1:" + port, "--shell-token-file", token.toString())) {
            String address = server.awaitShell();
            assertEquals("127.0.0.1:" + port, address);
            server.awaitLine("setuid\\(\\) to " + nobodyUid(), WAIT);
            var served = UwsgiProcess.run(cwd, "--connect", address, "--shell-token-file", token.toString(), "uwsgi:version");
            assertEquals(0, served.exitCode(), served.output());
            assertEquals("uwsgi4j 0.1.0", served.output().strip());
        }
    }

    /** A privileged port nothing listens on now (root binds it and lets it go). */
    private static int freePortBelow1024() throws IOException {
        for (int port = 1023; port > 900; port--) {
            try (var probe = new java.net.ServerSocket()) {
                probe.bind(new java.net.InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new AssertionError("no free port between 901 and 1023 on 127.0.0.1");
    }

    /** Runs {@code bin/uwsgi4j args} as nobody:nogroup with no supplementary groups. */
    private UwsgiProcess.Result asNobody(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                UwsgiProcess.DIST.resolve("bin/uwsgi4j").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the client did not end: " + output);
        return new UwsgiProcess.Result(p.exitValue(), output);
    }

    private static String nobodyUid() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("id", "-u", "nobody").start();
        String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return uid;
    }
}
