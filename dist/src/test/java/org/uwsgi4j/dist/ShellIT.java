package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell: loopback-only telnet shell, one-shot mode, headless start, interactive console. */
class ShellIT {

    @TempDir
    Path cwd;

    @Test
    void oneShotCommandsAndExitCodes() throws Exception {
        try (var server = UwsgiProcess.start(cwd, "--shell-socket", "127.0.0.1:0", "--plugins", "echo")) {
            var shell = new Shell(cwd, server.awaitShellPort());
            var version = shell.run("uwsgi:version");
            assertEquals(0, version.exitCode(), version.output());
            assertEquals("uwsgi4j 0.1.0", version.output().strip());

            var options = shell.run("uwsgi:options");
            assertTrue(options.lines().contains("shell-socket = 127.0.0.1:0"), options.output());
            assertTrue(options.lines().contains("plugins = echo"), options.output());

            var plugins = shell.run("uwsgi:plugins");
            assertTrue(plugins.lines().stream().anyMatch(l -> l.matches("echo\\s+0\\.1\\.0\\s+ACTIVE\\s+101\\s+-")), plugins.output());

            var bad = shell.run("uwsgi:nosuch");
            assertEquals(1, bad.exitCode(), bad.output());
            assertTrue(bad.output().contains("Command not found: uwsgi:nosuch"), bad.output());
        }
    }

    @Test
    void connectToNothingSaysSoAndExits2() throws Exception {
        var result = UwsgiProcess.run(cwd, "--connect", "127.0.0.1:1", "uwsgi:version");
        assertEquals(2, result.exitCode(), result.output());
        assertTrue(result.output().startsWith("uwsgi4j: cannot reach the shell at 127.0.0.1:1"), result.output());
    }

    @Test
    void nonLoopbackShellIsRefusedUnlessPublic() throws Exception {
        var refused = UwsgiProcess.run(cwd, "--shell-socket", "0.0.0.0:0");
        assertEquals(1, refused.exitCode(), refused.output());
        assertTrue(refused.lines().getLast().contains("refusing a non-loopback address"), refused.output());

        try (var server = UwsgiProcess.start(cwd, "--shell-socket", "0.0.0.0:0", "--shell-socket-public")) {
            server.awaitLine("WARNING: the shell on 0\\.0\\.0\\.0:0 is reachable from the network", UwsgiProcess.START_TIMEOUT);
            int port = server.awaitShellPort();
            assertEquals(0, new Shell(cwd, port).run("uwsgi:version").exitCode());
        }
    }

    @Test
    void headlessServerSurvivesStdinAtEof() throws Exception {
        try (var server = UwsgiProcess.start(cwd, "--shell-socket", "127.0.0.1:0")) {
            int port = server.awaitShellPort();
            server.stdin().close();
            var shell = new Shell(cwd, port);
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
}
