package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM and SIGINT sent to the server's whole process group (Ctrl-C in a terminal,
 * {@code timeout}, a service manager's control group): the workers and the worker host get the
 * signal too and stop; the master shuts down without trying to replace them (no "DAMN !", no
 * "cannot fork").
 */
class ProcessGroupSignalIT {

    private static final Path APPS = Path.of("src/test/resources/apps").toAbsolutePath();

    @TempDir
    Path cwd;

    @Test
    void sigtermToTheProcessGroupShutsDownWithoutRespawning() throws Exception {
        signalTheGroup("TERM");
    }

    @Test
    void sigintToTheProcessGroupShutsDownWithoutRespawning() throws Exception {
        signalTheGroup("INT");
    }

    private void signalTheGroup(String signal) throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        try (var server = UwsgiProcess.startInOwnGroup(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "2")) {
            server.workerPid(1);
            server.workerPid(2);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + server.pid()).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill the group");
            assertEquals(0, server.awaitExit(Duration.ofSeconds(30)), server.output());
            String output = server.output();
            assertTrue(output.contains("SIG" + signal + " received: shutting down gracefully..."), output);
            assertTrue(output.lines().noneMatch(l -> l.startsWith("DAMN !") || l.startsWith("cannot fork")), output);
        }
    }
}
