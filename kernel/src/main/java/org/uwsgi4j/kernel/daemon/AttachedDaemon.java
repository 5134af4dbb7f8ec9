package org.uwsgi4j.kernel.daemon;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.os.Posix;
import org.uwsgi4j.kernel.os.ProcessOwner;

/**
 * One command the master keeps running, uWSGI's attached daemon (core/daemons.c), as its
 * {@link DaemonSpec} says: {@code /bin/sh -c COMMAND} (through {@code setpriv} when it runs as
 * another user), its output copied line by line to the server's log, respawned when it dies (a
 * daemon that died within 3 s of its start waits one more second per such death, at most
 * {@code max_throttle}, before the next start: uWSGI's throttling), and sent its stop signal
 * when the server stops. A control daemon's death stops the server instead.
 *
 * <p>With a pidfile (the smart forms) the daemon is respawned only when the pid the file names
 * is not running, the file is looked at every second, and the daemon is left running when the
 * server stops, as uWSGI does (so a restart does not restart, say, memcached). Without
 * {@code daemonize} the command daemonizes itself and writes the file; with it the command stays
 * in the foreground, the master writes its pid there, and its output goes straight to the
 * server's stdout and stderr (it outlives the server, so it cannot write to the server's pipe).
 *
 * <p>Each daemon has one virtual thread that starts it and waits for it; {@link #stop} ends it.
 * {@link #touched} and {@link #reloading} come from the master's thread.
 */
final class AttachedDaemon {

    private static final Logger LOG = LoggerFactory.getLogger(AttachedDaemon.class);
    private static final Duration QUICK_DEATH = Duration.ofSeconds(3);
    private static final Duration PIDFILE_LOOK = Duration.ofSeconds(1);
    private static final int SIGKILL = 9;

    private final DaemonSpec spec;
    private final String command;
    private final Map<String, String> env;
    private final PrintStream log;
    private final Posix posix;
    private final Runnable stopServer;
    private final String ids;
    private volatile boolean stopping;
    private volatile Process process;
    private Thread thread;

    /**
     * @param spec       what to run and how
     * @param env        variables set for the command (the server's --env), over the JVM's own; a null value
     *                   unsets one (--unenv)
     * @param log        where the command's output lines go (the server's log)
     * @param posix      sends the daemon its signals
     * @param stopServer stops the server gracefully (a control daemon's death)
     */
    AttachedDaemon(DaemonSpec spec, Map<String, String> env, PrintStream log, Posix posix, Runnable stopServer) {
        this.spec = spec;
        this.command = spec.command();
        this.env = new LinkedHashMap<>(env);
        this.log = log;
        this.posix = posix;
        this.stopServer = stopServer;
        this.ids = "(uid: " + (spec.uid().isPresent() ? String.valueOf(spec.uid().getAsInt()) : ProcessOwner.uid().orElse("?"))
                + " gid: " + (spec.gid().isPresent() ? String.valueOf(spec.gid().getAsInt()) : ProcessOwner.gid().orElse("?")) + ")";
    }

    DaemonSpec spec() {
        return spec;
    }

    /** Starts the daemon's thread: the first spawn happens at once. */
    void start() {
        thread = Thread.ofVirtual().name("uwsgi4j-daemon").start(this::run);
    }

    private void run() {
        int quickDeaths = 0;
        boolean respawn = false;
        try {
            if (spec.smart()) {
                pidRunning().ifPresent(pid -> LOG.info("[uwsgi-daemons] found valid/active pidfile for \"{}\" (pid: {})", command, pid));
            }
            while (!stopping) {
                if (spec.smart() && pidRunning().isPresent()) {
                    Thread.sleep(PIDFILE_LOOK); // uWSGI looks at the pidfile once per master cycle
                    continue;
                }
                if (quickDeaths > 0) {
                    int pause = Math.min(quickDeaths, spec.maxThrottle());
                    LOG.info("[uwsgi-daemons] throttling \"{}\" for {} seconds", command, pause);
                    Thread.sleep(Duration.ofSeconds(pause));
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
                if (spec.smart() && !spec.daemonize()) {
                    // the command forks and exits: what counts is the pid it wrote
                    waitForPidfile(started);
                    continue;
                }
                LOG.info("[uwsgi-daemons] \"{}\" (pid: {}) died with {}", command, process.pid(),
                        code > 128 ? "signal " + (code - 128) : "code " + code);
                if (spec.control() && !spec.smart()) {
                    LOG.info("[uwsgi-daemons] control daemon \"{}\" died: shutting down the server gracefully", command);
                    stopServer.run();
                    return;
                }
                boolean quick = System.nanoTime() - started < QUICK_DEATH.toNanos();
                quickDeaths = quick ? quickDeaths + 1 : 0;
            }
        } catch (InterruptedException e) {
            // stopped
        }
    }

    private boolean spawn(boolean respawn) {
        LOG.info("[uwsgi-daemons] {} \"{}\" {}", respawn ? "respawning" : "spawning", command, ids);
        List<String> argv = new ArrayList<>();
        if (spec.uid().isPresent() || spec.gid().isPresent()) {
            argv.add("setpriv"); // util-linux: uWSGI's setgid() and setuid() before the exec
            spec.gid().ifPresent(g -> argv.addAll(List.of("--regid", String.valueOf(g))));
            spec.uid().ifPresent(u -> argv.addAll(List.of("--reuid", String.valueOf(u))));
            argv.add("--clear-groups");
        }
        argv.addAll(List.of("/bin/sh", "-c", command));
        var builder = new ProcessBuilder(argv);
        if (spec.daemonize()) {
            builder.redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
        } else {
            builder.redirectErrorStream(true);
        }
        builder.redirectInput(spec.stdin() ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.from(new File("/dev/null")));
        spec.chdir().ifPresent(dir -> builder.directory(dir.toFile()));
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
            LOG.error("[uwsgi-daemons] unable to spawn \"{}\": {}", command, e.getMessage());
            return false;
        }
        Process p = process;
        if (spec.daemonize()) {
            try {
                Files.writeString(spec.pidfile().orElseThrow(), p.pid() + "\n");
            } catch (IOException e) {
                LOG.error("[uwsgi-daemons] cannot write the pidfile of \"{}\": {}", command, e.getMessage());
            }
        } else {
            Thread.ofVirtual().name("uwsgi4j-daemon-output").start(() -> copyOutput(p));
        }
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

    /** The smart form: after its command exits, waits (up to freq seconds) until the pidfile names a running pid. */
    private void waitForPidfile(long started) throws InterruptedException {
        long deadline = started + Duration.ofSeconds(spec.freq()).toNanos();
        while (!stopping && pidRunning().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(PIDFILE_LOOK.dividedBy(10));
        }
        pidRunning().ifPresentOrElse(
                pid -> LOG.info("[uwsgi-daemons] found changed pid for \"{}\" (old_pid: {} new_pid: {})", command, process.pid(), pid),
                () -> LOG.warn("[uwsgi-daemons] \"{}\" (pid: {}) did not daemonize !!!", command, process.pid()));
    }

    /** The pid the pidfile names, when that process runs. */
    private Optional<Long> pidRunning() {
        try {
            long pid = Long.parseLong(Files.readString(spec.pidfile().get()).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(h -> pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The daemon's running pid: the pidfile's for a smart daemon, else the command's. */
    private Optional<Long> pid() {
        if (spec.smart()) {
            return pidRunning();
        }
        Process p = process;
        return p != null && p.isAlive() ? Optional.of(p.pid()) : Optional.empty();
    }

    /** Master thread: one of the daemon's touch files changed: it gets its stop signal (and is respawned as after any death). */
    void touched(Path file) {
        pid().ifPresent(pid -> {
            LOG.info("*** {} has been touched... reloading daemon \"{}\" (pid: {}) !!! ***", file, command, pid);
            posix.kill(pid, spec.stopSignal());
        });
    }

    /**
     * Master thread: the server reloads (its master and daemons stay): a daemon with a reload
     * signal gets it; a smart daemon with {@code notifypid} gets it, SIGHUP by default.
     */
    void reloading() {
        int signal = spec.notifyPid() && spec.smart() ? (spec.reloadSignal() > 0 ? spec.reloadSignal() : DaemonSpec.SIGHUP)
                : spec.smart() ? 0 : spec.reloadSignal();
        if (signal > 0) {
            pid().ifPresent(pid -> {
                LOG.info("[uwsgi-daemons] reloading: signal {} to daemon (pid: {}): {}", signal, pid, command);
                posix.kill(pid, signal);
            });
        }
    }

    /**
     * Stops watching; the plain form's command gets its stop signal ({@code stopping daemon}
     * line) and, after {@code mercy}, SIGKILL. The smart form's daemon keeps running, as in
     * uWSGI; with {@code notifypid} it gets the stop signal first.
     */
    void stop(Duration mercy) throws InterruptedException {
        stopping = true;
        if (thread != null) {
            thread.interrupt();
        }
        if (spec.smart()) {
            if (spec.notifyPid()) {
                pidRunning().ifPresent(pid -> posix.kill(pid, spec.stopSignal()));
            }
            return;
        }
        Process p = process;
        if (p != null && p.isAlive()) {
            LOG.info("[uwsgi-daemons] stopping daemon (pid: {}): {}", p.pid(), command);
            posix.kill(p.pid(), spec.stopSignal());
            if (!p.waitFor(mercy.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.info("[uwsgi-daemons] daemon did not die in time, killing (pid: {}): {}", p.pid(), command);
                posix.kill(p.pid(), SIGKILL);
            }
        }
    }
}
