package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * uWSGI's process names as {@code ps} shows them (real uWSGI 2.0.21 with {@code --auto-procname
 * --procname-prefix x-}: {@code x-uWSGI master}, {@code x-uWSGI worker 1} …): the master (the
 * JVM, which rewrites its own argv area), each language's preforking host and its workers, a
 * lazy worker; {@code --procname-prefix-spaced}, {@code --procname-append}, {@code --procname},
 * {@code --procname-master}. /proc/PID/cmdline ends at the name, as uWSGI's does.
 */
class ProcnameIT {

    private static final Path APPS = Path.of("src/test/resources/apps").toAbsolutePath();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path cwd;

    @Test
    void pythonMasterHostAndWorkers() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "2", "--auto-procname", "--procname-prefix", "x-")) {
            long w1 = server.workerPid(1);
            long w2 = server.workerPid(2);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            awaitName(server.pid(), "x-uWSGI master");
            assertEquals("x-uWSGI master\0", Files.readString(Path.of("/proc/" + server.pid() + "/cmdline"), StandardCharsets.UTF_8));
            awaitName(w1, "x-uWSGI worker 1");
            awaitName(w2, "x-uWSGI worker 2");
            long host = ProcessHandle.of(w1).flatMap(ProcessHandle::parent).orElseThrow().pid();
            awaitName(host, "x-uWSGI python host");
            assertEquals(200, RawHttp.get(server.httpPort(), "/").status()); // and it serves on
        }
    }

    @Test
    void perlAndRubyName() throws Exception {
        Files.copy(Path.of("../examples/psgi/hello.psgi").toAbsolutePath(), cwd.resolve("hello.psgi"));
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--psgi", "hello.psgi",
                "--master", "--processes", "1", "--procname-prefix-spaced", "pp", "--procname-append", "-app")) {
            long w1 = server.workerPid(1);
            awaitName(server.pid(), "pp uWSGI master-app");
            awaitName(w1, "pp uWSGI worker 1-app");
            awaitName(ProcessHandle.of(w1).flatMap(ProcessHandle::parent).orElseThrow().pid(), "pp uWSGI psgi host-app");
        }
        Files.writeString(cwd.resolve("hello.ru"), "run lambda { |env| [200, {\"content-type\" => \"text/plain\"}, [\"hi\"]] }\n");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--rack", "hello.ru", "--lazy-apps",
                "--master", "--processes", "1", "--procname", "wk", "--procname-master", "boss")) {
            long w1 = server.workerPid(1); // a lazy worker: the kernel's child, named by itself
            awaitName(server.pid(), "boss");
            awaitName(w1, "wk");
        }
    }

    /** Polls (bounded) until {@code ps -o args=} shows {@code name} for {@code pid}: a worker names itself once it runs. */
    private static void awaitName(long pid, String name) throws IOException, InterruptedException {
        String shown = "";
        for (long deadline = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < deadline; Thread.sleep(20)) {
            Process ps = new ProcessBuilder("ps", "-o", "args=", "-p", String.valueOf(pid)).redirectErrorStream(true).start();
            shown = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            ps.waitFor();
            if (shown.equals(name)) {
                return;
            }
        }
        throw new AssertionError("ps shows '" + shown + "' for " + pid + ", not '" + name + "': " + List.of(pid, name));
    }
}
