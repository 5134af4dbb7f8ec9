package org.uwsgi4j.plugin.cron;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cron command running: {@code /bin/sh -c COMMAND} in the {@code --chdir} directory with the
 * {@code --env} variables, its standard output and error logged line by line (read on a platform
 * thread of its own), and uWSGI's lines when it starts and when it exits.
 */
final class CommandRun implements Scheduler.Run {

    private static final Logger LOG = LoggerFactory.getLogger(CommandRun.class);

    private final Process process;
    private final Instant started;
    private final long startNanos = System.nanoTime();

    private CommandRun(Process process, Instant started) {
        this.process = process;
        this.started = started;
    }

    /**
     * Starts {@code command}; {@code exited} gets the result line once it has exited (on another thread).
     *
     * @throws IOException when the shell cannot be started
     */
    static CommandRun start(String command, File dir, Map<String, String> env, Instant now, Consumer<String> exited) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (dir != null) {
            pb.directory(dir);
        }
        env.forEach((name, value) -> {
            if (value == null) {
                pb.environment().remove(name); // --unenv
            } else {
                pb.environment().put(name, value);
            }
        });
        Process p = pb.start();
        CommandRun run = new CommandRun(p, now);
        LOG.info("[uwsgi-cron] running \"{}\" (pid {})", command, p.pid());
        Thread.ofPlatform().daemon().name("uwsgi4j-cron-" + p.pid()).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    LOG.info("{}", line);
                }
            } catch (IOException e) {
                // the pipe broke: the command is gone
            }
        });
        p.onExit().thenRun(() -> {
            long seconds = Duration.ofNanos(System.nanoTime() - run.startNanos).toSeconds();
            LOG.info("[uwsgi-cron] command \"{}\" running with pid {} exited after {} second(s)", command, p.pid(), seconds);
            exited.accept("pid " + p.pid() + " exited with " + p.exitValue() + " after " + seconds + " second(s)");
        });
        return run;
    }

    @Override
    public Instant started() {
        return started;
    }

    /** SIGKILL to the shell and every process it started (uWSGI kills the command's process group). */
    @Override
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    long pid() {
        return process.pid();
    }
}
