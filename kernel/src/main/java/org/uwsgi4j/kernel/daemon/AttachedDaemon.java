package org.uwsgi4j.kernel.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One command the master keeps running, uWSGI's {@code --attach-daemon} (core/daemons.c):
 * {@code /bin/sh -c COMMAND}, its output copied line by line to the server's log, respawned
 * when it dies (a daemon that died within 3 s of its start waits one more second per such
 * death before the next start: uWSGI's throttling), and sent SIGTERM when the server stops.
 *
 * <p>With a pidfile ({@code --smart-attach-daemon PIDFILE COMMAND}) the command is expected to
 * daemonize itself and write its pid there: the daemon is respawned only when the pid the file
 * names is not running, the file is looked at every second, and the daemon is left running
 * when the server stops, as uWSGI does (so a reload does not restart, say, memcached).
 *
 * <p>Each daemon has one virtual thread that starts it and waits for it; {@link #stop} ends it.
 */
final class AttachedDaemon {

    private static final Logger LOG = LoggerFactory.getLogger(AttachedDaemon.class);
    private static final Duration QUICK_DEATH = Duration.ofSeconds(3);
    private static final Duration PIDFILE_LOOK = Duration.ofSeconds(1);

    private final String command;
    private final Optional<Path> pidfile;
    private final Map<String, String> env;
    private final PrintStream log;
    private final String ids;
    private volatile boolean stopping;
    private volatile Process process;
    private Thread thread;

    /**
     * @param command the shell command
     * @param pidfile the smart form's pidfile, or empty
     * @param env     variables set for the command (the server's --env), over the JVM's own; a null value
     *                unsets one (--unenv)
     * @param log     where the command's output lines go (the server's log)
     */
    AttachedDaemon(String command, Optional<Path> pidfile, Map<String, String> env, PrintStream log) {
        this.command = command;
        this.pidfile = pidfile;
        this.env = new java.util.LinkedHashMap<>(env);
        this.log = log;
        this.ids = "(uid: " + attribute("uid") + " gid: " + attribute("gid") + ")";
    }

    /** Starts the daemon's thread: the first spawn happens at once. */
    void start() {
        thread = Thread.ofVirtual().name("uwsgi4j-daemon").start(this::run);
    }

    private void run() {
        int quickDeaths = 0;
        boolean respawn = false;
        try {
            while (!stopping) {
                if (pidfile.isPresent() && pidRunning().isPresent()) {
                    Thread.sleep(PIDFILE_LOOK); // uWSGI looks at the pidfile once per master cycle
                    continue;
                }
                long started = System.nanoTime();
                if (!spawn(respawn)) {
                    return;
                }
                respawn = true;
                int code = process.waitFor();
                if (stopping) {
                    return;
                }
                if (pidfile.isPresent()) {
                    // the smart form's command forks and exits: what counts is the pid it wrote
                    waitForPidfile(started);
                    continue;
                }
                boolean quick = System.nanoTime() - started < QUICK_DEATH.toNanos();
                quickDeaths = quick ? quickDeaths + 1 : 0;
                LOG.info("[uwsgi-daemons] \"{}\" (pid: {}) died with {}", command, process.pid(),
                        code > 128 ? "signal " + (code - 128) : "code " + code);
                if (quickDeaths > 0) {
                    LOG.info("[uwsgi-daemons] throttling \"{}\" for {} seconds", command, quickDeaths);
                    Thread.sleep(Duration.ofSeconds(quickDeaths));
                }
            }
        } catch (InterruptedException e) {
            // stopped
        }
    }

    private boolean spawn(boolean respawn) {
        LOG.info("[uwsgi-daemons] {} \"{}\" {}", respawn ? "respawning" : "spawning", command, ids);
        var builder = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true);
        env.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        try {
            process = builder.start();
        } catch (IOException e) {
            LOG.error("[uwsgi-daemons] cannot start \"{}\": {}", command, e.getMessage());
            return false;
        }
        Process p = process;
        Thread.ofVirtual().name("uwsgi4j-daemon-output").start(() -> copyOutput(p));
        return true;
    }

    private void copyOutput(Process p) {
        try (var in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                log.println(line);
            }
        } catch (IOException e) {
            // the daemon closed its output
        }
    }

    /** The smart form: after its command exits, waits (bounded) until the pidfile names a running pid. */
    private void waitForPidfile(long started) throws InterruptedException {
        long deadline = started + Duration.ofSeconds(10).toNanos();
        while (!stopping && pidRunning().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(PIDFILE_LOOK.dividedBy(10));
        }
        pidRunning().ifPresentOrElse(
                pid -> LOG.info("[uwsgi-daemons] found changed pid for \"{}\" (old_pid: {} new_pid: {})", command, process.pid(), pid),
                () -> LOG.warn("[uwsgi-daemons] \"{}\" wrote no running pid to {}", command, pidfile.get()));
    }

    /** The pid the pidfile names, when that process runs. */
    private Optional<Long> pidRunning() {
        try {
            long pid = Long.parseLong(Files.readString(pidfile.get()).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(h -> pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Stops watching; the plain form's command gets SIGTERM ({@code stopping daemon} line) and,
     * after {@code mercy}, SIGKILL. The smart form's daemon keeps running, as in uWSGI.
     */
    void stop(Duration mercy) throws InterruptedException {
        stopping = true;
        if (thread != null) {
            thread.interrupt();
        }
        Process p = process;
        if (pidfile.isEmpty() && p != null && p.isAlive()) {
            LOG.info("[uwsgi-daemons] stopping daemon (pid: {}): {}", p.pid(), command);
            p.destroy();
            if (!p.waitFor(mercy.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static String attribute(String name) {
        try {
            return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:" + name));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "?";
        }
    }
}
