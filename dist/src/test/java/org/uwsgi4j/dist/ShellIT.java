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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell: the Unix socket form (mode 0600), one-shot and interactive clients, headless start,
 * the interactive console; TCP only with a token (refused at start without one, a wrong token
 * gets nothing), non-loopback only when public.
 */
class ShellIT {

    @TempDir
    Path cwd;

    @Test
    void oneShotCommandsAndExitCodesOnTheUnixSocket() throws Exception {
        Path socket = cwd.resolve("shell.sock");
        try (var server = UwsgiProcess.start(cwd, "--shell-socket", socket.toString(), "--plugins", "echo")) {
            var shell = new Shell(cwd, server.awaitShell());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            var version = shell.run("uwsgi:version");
            assertEquals(0, version.exitCode(), version.output());
            assertEquals("uwsgi4j 0.1.0", version.output().strip());

            var options = shell.run("uwsgi:options");
            assertTrue(options.lines().contains("shell-socket = " + socket), options.output());
            assertTrue(options.lines().contains("plugins = echo"), options.output());

            var plugins = shell.run("uwsgi:plugins");
            assertTrue(plugins.lines().stream().anyMatch(l -> l.matches("echo\\s+0\\.1\\.0\\s+ACTIVE\\s+101\\s+-\\s+\\S+/plugins/plugin-echo\\.jar")), plugins.output());

            var bad = shell.run("uwsgi:nosuch");
            assertEquals(1, bad.exitCode(), bad.output());
            assertTrue(bad.output().contains("Command not found: uwsgi:nosuch"), bad.output());
        }
        assertFalse(Files.exists(socket), "the socket file is removed at exit");
    }

    @Test
    void connectWithoutACommandIsInteractive() throws Exception {
        Path socket = cwd.resolve("shell.sock");
        try (var server = UwsgiProcess.start(cwd, "--shell-socket", socket.toString())) {
            server.awaitShell();
            Process client = new ProcessBuilder(UwsgiProcess.DIST.resolve("bin/uwsgi4j").toString(), "--connect", socket.toString())
                    .directory(cwd.toFile()).redirectErrorStream(true).start();
            try (var in = client.getOutputStream()) {
                in.write("uwsgi:version\nexit\n".getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(client.waitFor(30, TimeUnit.SECONDS), "the interactive client did not end");
            String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, client.exitValue(), output);
            assertTrue(output.startsWith("uwsgi4j> uwsgi4j 0.1.0"), output);
        }
    }

    @Test
    void connectToNothingSaysSoAndExits2() throws Exception {
        var result = UwsgiProcess.run(cwd, "--connect", "127.0.0.1:1", "uwsgi:version");
        assertEquals(2, result.exitCode(), result.output());
        assertTrue(result.output().startsWith("uwsgi4j: cannot reach the shell at 127.0.0.1:1"), result.output());
    }

    @Test
    void tcpShellNeedsATokenAndAWrongOneGetsNothing() throws Exception {
        var refused = UwsgiProcess.run(cwd, "--shell-socket", "127.0.0.1:0");
        assertEquals(1, refused.exitCode(), refused.output());
        assertTrue(refused.lines().getLast().startsWith("shell-socket 127.0.0.1:0: a TCP shell needs --shell-token-file"), refused.output());

        Path open = Files.writeString(cwd.resolve("open.token"), "s3cret\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        var readable = UwsgiProcess.run(cwd, "--shell-socket", "127.0.0.1:0", "--shell-token-file", open.toString());
        assertEquals(1, readable.exitCode(), readable.output());
        assertTrue(readable.lines().getLast().contains("readable or writable by others than its owner (mode 0644)"), readable.output());

        Path token = token("s3cret");
        Path wrong = token("guess");
        try (var server = UwsgiProcess.start(cwd, "--shell-socket", "127.0.0.1:0", "--shell-token-file", token.toString())) {
            String address = server.awaitShell();
            var none = UwsgiProcess.run(cwd, "--connect", address, "uwsgi:version");
            assertEquals(2, none.exitCode(), none.output());
            assertFalse(none.output().contains("uwsgi4j 0.1.0"), none.output());
            server.awaitLine("shell: authentication failed for 127\\.0\\.0\\.1:\\d+: the first line is not #uwsgi4j-auth TOKEN", Duration.ofSeconds(10));

            var bad = UwsgiProcess.run(cwd, "--connect", address, "--shell-token-file", wrong.toString(), "uwsgi:version");
            assertEquals(2, bad.exitCode(), bad.output());
            assertFalse(bad.output().contains("uwsgi4j 0.1.0"), bad.output());
            server.awaitLine("shell: authentication failed for 127\\.0\\.0\\.1:\\d+: wrong token", Duration.ofSeconds(10));

            var good = UwsgiProcess.run(cwd, "--connect", address, "--shell-token-file", token.toString(), "uwsgi:version");
            assertEquals(0, good.exitCode(), good.output());
            assertEquals("uwsgi4j 0.1.0", good.output().strip());
        }
    }

    @Test
    void nonLoopbackShellIsRefusedUnlessPublic() throws Exception {
        Path token = token("s3cret");
        var refused = UwsgiProcess.run(cwd, "--shell-socket", "0.0.0.0:0", "--shell-token-file", token.toString());
        assertEquals(1, refused.exitCode(), refused.output());
        assertTrue(refused.lines().getLast().contains("refusing a non-loopback address"), refused.output());

        try (var server = UwsgiProcess.start(cwd, "--shell-socket", "0.0.0.0:0", "--shell-socket-public",
                "--shell-token-file", token.toString())) {
            server.awaitLine("WARNING: the shell on 0\\.0\\.0\\.0:0 is reachable from the network", UwsgiProcess.START_TIMEOUT);
            String port = server.awaitShell().replaceAll(".*:", "");
            var version = UwsgiProcess.run(cwd, "--connect", "127.0.0.1:" + port, "--shell-token-file", token.toString(), "uwsgi:version");
            assertEquals(0, version.exitCode(), version.output());
        }
    }

    @Test
    void abstractSocketIsRefusedInOneLine() throws Exception {
        var refused = UwsgiProcess.run(cwd, "--shell-socket", "@uwsgi4j-shell");
        assertEquals(1, refused.exitCode(), refused.output());
        assertTrue(refused.lines().getLast().startsWith("shell-socket @uwsgi4j-shell: abstract Unix sockets are not supported"),
                refused.output());
    }

    @Test
    void headlessServerSurvivesStdinAtEof() throws Exception {
        try (var server = UwsgiProcess.start(cwd, "--shell-socket", cwd.resolve("shell.sock").toString())) {
            String address = server.awaitShell();
            server.stdin().close();
            var shell = new Shell(cwd, address);
            // the shell answering after stdin's EOF is the proof: a console on stdin would have stopped the framework
            assertEquals(0, shell.run("uwsgi:version").exitCode());
            assertEquals(0, shell.run("lb").exitCode());
            assertTrue(server.isAlive(), server.output());
        }
    }

    @Test
    void interactiveConsoleRunsCommandsFromTheTerminal() throws Exception {
        try (var server = UwsgiProcess.start(cwd, "--shell")) {
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            server.stdin().write("uwsgi:version\n".getBytes(StandardCharsets.UTF_8));
            server.stdin().flush();
            server.awaitLine("uwsgi4j 0\\.1\\.0", Duration.ofSeconds(10));
        }
    }

    /** A token file as it must be: the owner's alone (0600). */
    private Path token(String token) throws IOException {
        Path file = cwd.resolve(token + ".token");
        Files.writeString(file, token + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
