package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --daemonize FILE} on the real distribution: the command returns 0 while the daemon
 * it started runs on, in its own session, stdin at /dev/null, logging to FILE (relative paths
 * meaning the same as for the command); it serves, reloads on SIGHUP and stops on SIGTERM,
 * SIGINT and SIGQUIT. A FILE that cannot be opened is one line and exit 1, and starts nothing.
 *
 * <p>The daemons are not children of the test: every process whose working directory is the
 * test's directory is killed after each test.
 */
class DaemonizeIT {

    private static final Path APPS = Path.of("src/test/resources/apps").toAbsolutePath();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path cwd;

    @AfterEach
    void killWhatRunsHere() {
        for (ProcessHandle p : runningHere()) {
            p.destroyForcibly();
        }
    }

    @Test
    void daemonizesIntoTheFileServesReloadsAndStopsOnSigterm() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        var parent = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.getFileName().toString(),
                "--processes", "2", "--daemonize", "daemon.log", "--pidfile", "daemon.pid");
        assertEquals(0, parent.exitCode(), parent.output());
        assertFalse(parent.output().contains("is ready"), "the command itself serves nothing:\n" + parent.output());

        Path log = cwd.resolve("daemon.log");
        Matcher ready = awaitInFile(log, "\\*\\*\\* uwsgi4j is ready in \\d+ ms \\(pid: (\\d+)\\) \\*\\*\\*");
        long pid = Long.parseLong(Files.readString(cwd.resolve("daemon.pid")).strip());
        assertEquals(pid, Long.parseLong(ready.group(1)), "the daemon wrote the pidfile");
        ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("the daemon is not running"));
        assertTrue(daemon.isAlive());
        assertEquals(pid, session(pid), "the daemon leads its own session");
        assertEquals(Path.of("/dev/null"), Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/0")));
        assertEquals(log, Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/2")));
        assertEquals(cwd, Files.readSymbolicLink(Path.of("/proc/" + pid + "/cwd")));

        int port = Integer.parseInt(awaitInFile(log, "uwsgi socket 0 bound to TCP address 127\\.0\\.0\\.1:(\\d+)").group(1));
        awaitInFile(log, "spawned uWSGI worker 2 \\(pid: \\d+, cores: 1\\)");
        assertTrue(RawHttp.get(port, "/").text().startsWith("hello from "));
        awaitInFile(log, "GET / => generated");

        signal("HUP", pid);
        awaitInFile(log, "\\.\\.\\.gracefully reloading the workers \\(SIGHUP\\)\\.\\.\\.");
        awaitInFile(log, "from faults\\.py ready \\(generation 2, host pid: \\d+\\)");
        assertEquals(200, RawHttp.get(port, "/").status());

        signal("TERM", pid);
        awaitInFile(log, "SIGTERM received: shutting down gracefully\\.\\.\\.");
        assertTrue(daemon.onExit().get(WAIT.toSeconds(), TimeUnit.SECONDS).pid() == pid);
        assertFalse(Files.exists(cwd.resolve("daemon.pid")), "a clean exit removes the pidfile");
    }

    @Test
    void daemonize2FromAnIniFileStopsOnSigint() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        Files.writeString(cwd.resolve("app.ini"), String.join("\n", "[uwsgi]", "http-socket = 127.0.0.1:0",
                "wsgi-file = " + app, "daemonize2 = logs.txt", "pidfile = " + cwd.resolve("app.pid"),
                "alarm = oom log:", "alarm-fd = oom 300:8 OUT OF MEMORY !!!", ""));
        var parent = UwsgiProcess.run(cwd, "--ini", "app.ini");
        assertEquals(0, parent.exitCode(), parent.output());

        Path log = cwd.resolve("logs.txt");
        awaitInFile(log, "\\*\\*\\* uwsgi4j is ready");
        // the daemon is a new process: an inherited descriptor is not there, and one line says why
        awaitInFile(log, Pattern.quote("[uwsgi-alarm-fd] fd 300 is not open in this process: alarm oom will not be raised by it "
                + "(with --daemonize the server runs in a new process that inherits only stdin, stdout and stderr)"));
        long pid = Long.parseLong(Files.readString(cwd.resolve("app.pid")).strip());
        assertEquals(pid, session(pid));
        int port = Integer.parseInt(awaitInFile(log, "uwsgi socket 0 bound to TCP address 127\\.0\\.0\\.1:(\\d+)").group(1));
        assertEquals(200, RawHttp.get(port, "/").status());

        signal("INT", pid);
        awaitInFile(log, "SIGINT received: shutting down gracefully\\.\\.\\.");
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join());
        for (long deadline = System.nanoTime() + WAIT.toNanos(); !runningHere().isEmpty(); ) {
            assertTrue(System.nanoTime() < deadline, "the instance left processes behind: " + runningHere());
            Thread.sleep(50); // the worker host exits once the master's channel closes: bounded
        }
    }

    @Test
    void sigquitStopsTheDaemonAndItsThreadDumpStaysOutOfTheFile() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        var parent = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.getFileName().toString(),
                "--daemonize", "daemon.log", "--pidfile", "daemon.pid");
        assertEquals(0, parent.exitCode(), parent.output());
        Path log = cwd.resolve("daemon.log");
        awaitInFile(log, "\\*\\*\\* uwsgi4j is ready");
        long pid = Long.parseLong(Files.readString(cwd.resolve("daemon.pid")).strip());
        int port = Integer.parseInt(awaitInFile(log, "uwsgi socket 0 bound to TCP address 127\\.0\\.0\\.1:(\\d+)").group(1));
        assertEquals(200, RawHttp.get(port, "/").status());

        signal("QUIT", pid); // the daemon's stdout is the file too: the dump HotSpot prints there must not show
        awaitInFile(log, "SIGQUIT received: shutting down gracefully\\.\\.\\.");
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join());
        String written = Files.readString(log);
        assertFalse(written.contains("Full thread dump") || written.contains("java.lang.Thread.State"), written);
        assertFalse(Files.exists(cwd.resolve("daemon.pid")), "a clean exit removes the pidfile");
    }

    @Test
    void aFileThatCannotBeOpenedIsOneLineAndExit1() throws Exception {
        var missingDir = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--daemonize", "no/such/dir/d.log");
        assertEquals(1, missingDir.exitCode(), missingDir.output());
        assertEquals("daemonize: open(\"no/such/dir/d.log\"): No such file or directory", missingDir.lines().getLast());

        Files.createDirectory(cwd.resolve("a-directory"));
        var directory = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--daemonize", cwd.resolve("a-directory").toString());
        assertEquals(1, directory.exitCode(), directory.output());
        assertEquals("daemonize: open(\"" + cwd.resolve("a-directory") + "\"): Is a directory", directory.lines().getLast());

        var shell = UwsgiProcess.run(cwd, "--daemonize", "d.log", "--shell");
        assertEquals(1, shell.exitCode(), shell.output());
        assertEquals("--shell needs the terminal: it cannot be combined with --daemonize (use --shell-socket)", shell.lines().getLast());
        assertFalse(Files.exists(cwd.resolve("d.log")));
        assertTrue(runningHere().isEmpty(), "no daemon was started: " + runningHere());
    }

    /** Waits (bounded) for a line of {@code file} matching {@code regex}. */
    private static Matcher awaitInFile(Path file, String regex) throws IOException, InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file)) {
                    Matcher m = pattern.matcher(line);
                    if (m.find()) {
                        return m;
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no line /" + regex + "/ in " + file + " within " + WAIT + ":\n"
                        + (Files.exists(file) ? Files.readString(file) : "(no file)"));
            }
            Thread.sleep(50); // polling the daemon's log file, bounded by the deadline
        }
    }

    /** Field 6 of /proc/PID/stat: the session id (fields counted after the command in parentheses). */
    private static long session(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(after[3]);
    }

    private static void signal(String name, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).start().waitFor());
    }

    /** Every live process (the daemon, its worker host and workers) whose working directory is this test's. */
    private List<ProcessHandle> runningHere() {
        return ProcessHandle.allProcesses().filter(p -> {
            try {
                return Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/cwd")).equals(cwd) && p.isAlive();
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }).toList();
    }
}
