package org.uwsgi4j.dist;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real distribution ({@code bin/uwsgi4j}) as a child process, with its merged
 * stdout/stderr collected line by line so a test can await a line instead of sleeping.
 */
final class UwsgiProcess implements AutoCloseable {

    static final Path DIST = Path.of(System.getProperty("uwsgi4j.dist", "target/uwsgi4j")).toAbsolutePath();
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern SHELL_BOUND = Pattern.compile("shell: Gogo shell bound on (\\S+)");

    private final Process process;
    private final List<String> lines = new ArrayList<>();

    private UwsgiProcess(Process process) {
        this.process = process;
        Thread.ofPlatform().daemon().name("uwsgi4j-output").start(this::collect);
    }

    /** Starts {@code bin/uwsgi4j args} in {@code cwd}. */
    static UwsgiProcess start(Path cwd, String... args) throws IOException {
        return start(cwd, Map.of(), args);
    }

    /** Starts another program in {@code cwd} (real uWSGI, the reference), its output collected the same way. */
    static UwsgiProcess startProgram(Path cwd, String... command) throws IOException {
        return new UwsgiProcess(new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start());
    }

    /** Starts {@code bin/uwsgi4j args} in {@code cwd}, with {@code env} added to the environment. */
    static UwsgiProcess start(Path cwd, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(DIST.resolve("bin/uwsgi4j").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        return new UwsgiProcess(pb.start());
    }

    /**
     * Starts {@code bin/uwsgi4j args} as the leader of a new session and process group
     * ({@code setsid}, which execs in place: {@link #pid()} is the JVM's and the group's id), as a
     * terminal or a service manager starts it: a signal to the group reaches every process of
     * the server, and none of the test's.
     */
    static UwsgiProcess startInOwnGroup(Path cwd, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("setsid", DIST.resolve("bin/uwsgi4j").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        return new UwsgiProcess(pb.start());
    }

    /**
     * Starts {@code bin/uwsgi4j args} through {@code sh -c 'exec … REDIRECTS'}, for what a
     * ProcessBuilder cannot set up ({@code >&-}: stdout closed); every exec keeps the pid, so
     * {@link #pid()} is the JVM's. The output collected is what is still sent to the pipe.
     */
    static UwsgiProcess startRedirected(Path cwd, String redirects, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("sh", "-c", "exec \"$0\" \"$@\" " + redirects,
                DIST.resolve("bin/uwsgi4j").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        return new UwsgiProcess(pb.start());
    }

    /** Runs {@code bin/uwsgi4j args} to its end; the result holds exit code and output. */
    static Result run(Path cwd, String... args) throws IOException, InterruptedException {
        try (UwsgiProcess p = start(cwd, args)) {
            p.process.getOutputStream().close();
            if (!p.process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("uwsgi4j " + String.join(" ", args) + " did not exit; output:\n" + p.output());
            }
            p.drained();
            return new Result(p.process.exitValue(), p.output());
        }
    }

    /** Exit code and whole output of a finished run. */
    record Result(int exitCode, String output) {
        List<String> lines() {
            return output.lines().toList();
        }
    }

    private void collect() {
        try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process went away
        } finally {
            synchronized (lines) {
                lines.add(null);
                lines.notifyAll();
            }
        }
    }

    /** Waits until the output reader has seen the end of the output. */
    private void drained() throws InterruptedException {
        synchronized (lines) {
            while (lines.isEmpty() || lines.getLast() != null) {
                lines.wait(1000);
            }
        }
    }

    /** Waits for the first line matching {@code regex} (from the start of the output). */
    Matcher awaitLine(String regex, Duration timeout) throws InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    String line = lines.get(seen);
                    if (line == null) {
                        throw new AssertionError("uwsgi4j ended before printing /" + regex + "/; output:\n" + output());
                    }
                    Matcher m = pattern.matcher(line);
                    if (m.find()) {
                        return m;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no line /" + regex + "/ within " + timeout + "; output:\n" + output());
                }
                lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Waits for uWSGI's line of the first socket on 127.0.0.1 and returns its port. */
    int httpPort() throws InterruptedException {
        return Integer.parseInt(awaitLine("uwsgi socket 0 bound to TCP address 127\\.0\\.0\\.1:(\\d+)", START_TIMEOUT).group(1));
    }

    /** Waits for the spawn line of worker {@code id} and returns its pid. */
    long workerPid(int id) throws InterruptedException {
        return Long.parseLong(awaitLine("spawned uWSGI worker " + id + " \\(pid: (\\d+), cores: \\d+\\)", START_TIMEOUT).group(1));
    }

    /** Polls (bounded) until {@code file} exists: the test apps drop marker files. */
    static void awaitFile(Path file) throws InterruptedException {
        for (long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos(); !java.nio.file.Files.exists(file); ) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never appeared: " + file);
            }
            Thread.sleep(10); // polling for the app's marker file, bounded by the deadline
        }
    }

    /** Copies the test app {@code name} from {@code apps} into {@code dir}; returns the copy. */
    static Path copyApp(Path apps, String name, Path dir) throws java.io.IOException {
        Path target = dir.resolve(name);
        java.nio.file.Files.copy(apps.resolve(name), target);
        return target;
    }

    /** Waits for the ready line and returns the shell address it logged (a socket path, or HOST:PORT). */
    String awaitShell() throws InterruptedException {
        String address = awaitLine(SHELL_BOUND.pattern(), START_TIMEOUT).group(1);
        awaitLine("\\*\\*\\* uwsgi4j is ready", START_TIMEOUT);
        return address;
    }

    /** The output so far. */
    String output() {
        synchronized (lines) {
            StringBuilder out = new StringBuilder();
            for (String line : lines) {
                if (line != null) {
                    out.append(line).append('\n');
                }
            }
            return out.toString();
        }
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to exit and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("uwsgi4j did not exit within " + timeout + "; output:\n" + output());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
