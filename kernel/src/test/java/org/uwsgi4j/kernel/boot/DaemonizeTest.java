package org.uwsgi4j.kernel.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uwsgi4j.kernel.log.TestOptions;

class DaemonizeTest {

    @Test
    void theCommandLineIsProcCmdlineWithTheJvmsExecutableFirst() throws IOException {
        byte[] cmdline = "java\0-XX:AOTCache=/a b.aot\0-jar\0launcher.jar\0--daemonize\0x.log\0".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("/usr/lib/jvm/bin/java", "-XX:AOTCache=/a b.aot", "-jar", "launcher.jar", "--daemonize", "x.log"),
                Daemonize.commandLine(cmdline, "/usr/lib/jvm/bin/java", StandardCharsets.UTF_8));
        assertEquals(List.of("/j", "", "last"), Daemonize.commandLine("j\0\0last".getBytes(StandardCharsets.UTF_8), "/j", StandardCharsets.UTF_8));
        assertThrows(IOException.class, () -> Daemonize.commandLine(new byte[0], "/j", StandardCharsets.UTF_8));
    }

    @Test
    void theOwnCommandLineStartsWithThisJvm() throws Exception {
        List<String> own = Daemonize.ownCommandLine();
        assertEquals(ProcessHandle.current().info().command().orElseThrow(), own.getFirst());
        assertEquals(ProcessHandle.current().info().arguments().map(List::of).orElseThrow(), own.subList(1, own.size()));
    }

    @Test
    void daemonizesOnlyWhenAskedAndNotTheDaemonAlready() throws Exception {
        assertEquals(Optional.of(Path.of("d.log")), Daemonize.requested(TestOptions.of("daemonize", "d.log"), Map.of()));
        assertEquals(Optional.of(Path.of("d2.log")), Daemonize.requested(TestOptions.of("daemonize2", "d2.log"), Map.of()));
        assertEquals(Optional.empty(), Daemonize.requested(TestOptions.of("daemonize", "d.log"), Map.of(Daemonize.MARKER, "1")));
        assertEquals(Optional.empty(), Daemonize.requested(TestOptions.of("pidfile", "p"), Map.of()));
    }

    @Test
    void theTerminalShellCannotBeDaemonized() {
        var e = assertThrows(StartupException.class,
                () -> Daemonize.requested(TestOptions.of("daemonize", "d.log", "shell", "true"), Map.of()));
        assertEquals("--shell needs the terminal: it cannot be combined with --daemonize (use --shell-socket)", e.getMessage());
    }

    @Test
    void aFileThatCannotBeOpenedIsOneLine(@TempDir Path dir) {
        Path missing = dir.resolve("no/such/dir/d.log");
        var e = assertThrows(StartupException.class, () -> Daemonize.start(missing, List.of("/bin/true"), Map.of()));
        assertEquals("daemonize: open(\"" + missing + "\"): No such file or directory", e.getMessage());
        e = assertThrows(StartupException.class, () -> Daemonize.start(dir, List.of("/bin/true"), Map.of()));
        assertEquals("daemonize: open(\"" + dir + "\"): Is a directory", e.getMessage());
    }

    @Test
    void theDaemonGetsDevNullTheFileAndTheMarker(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("d.log");
        java.nio.file.Files.writeString(log, "before\n");
        long pid = Daemonize.start(log, List.of("/bin/sh", "-c", "echo out; echo err >&2; echo marker=$UWSGI4J_DAEMON; read x || echo stdin-at-eof"),
                Map.of("PATH", "/usr/bin:/bin"));
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join()); // absent: already exited (it wrote to the file itself)
        assertEquals("before\nout\nerr\nmarker=1\nstdin-at-eof\n", java.nio.file.Files.readString(log));
    }
}
