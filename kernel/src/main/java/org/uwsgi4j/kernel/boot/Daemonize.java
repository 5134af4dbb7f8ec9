package org.uwsgi4j.kernel.boot;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.log.LogPipeline;
import org.uwsgi4j.kernel.log.LogSetupException;

/**
 * {@code --daemonize FILE} (and {@code --daemonize2 FILE}, the same here) for a JVM, which
 * cannot fork: the process started by the user starts a copy of its own command line and exits.
 *
 * <pre>
 *  uwsgi4j … --daemonize FILE ─▶ config read ─▶ FILE opens? ─ no ─▶ one line, exit 1
 *                                                   │ yes
 *                                                   ▼
 *        start /proc/self/exe + /proc/self/cmdline[1..] (JVM and AOT flags included), same
 *        working directory and environment plus UWSGI4J_DAEMON=1, stdin /dev/null,
 *        stdout and stderr appended to FILE ─▶ exit 0
 *
 *  the copy: launcher sees UWSGI4J_DAEMON ─▶ setsid() ─▶ config read ─▶ marked: runs the
 *            instance, logging to FILE (its stderr)
 * </pre>
 *
 * The copy is the daemon: a session leader without a terminal, whose pid is the one in
 * {@code --pidfile}. Unlike uWSGI there is no second fork (a JVM opens no terminal that could
 * become its controlling one) and the umask is left as it is (uWSGI sets 0).
 */
final class Daemonize {

    /** Environment variable marking the daemon (the launcher calls setsid() when it sees it). */
    static final String MARKER = "UWSGI4J_DAEMON";

    private Daemonize() {
    }

    /**
     * The file to daemonize into: the value of {@code --daemonize} (or {@code --daemonize2})
     * unless {@code env} marks this process as the daemon already; empty when there is nothing
     * to do.
     */
    static Optional<Path> requested(Options options, Map<String, String> env) throws StartupException {
        Optional<String> file = options.value("daemonize").or(() -> options.value("daemonize2"));
        if (file.isEmpty() || env.containsKey(MARKER)) {
            return Optional.empty();
        }
        if (options.isTrue("shell")) {
            throw new StartupException("--shell needs the terminal: it cannot be combined with --daemonize (use --shell-socket)");
        }
        return Optional.of(Path.of(file.get()));
    }

    /**
     * Starts the daemon: {@code command} with stdin at /dev/null, stdout and stderr appended to
     * {@code file} (created 0640 when missing) and {@code env} plus the marker. Returns its pid.
     */
    static long start(Path file, List<String> command, Map<String, String> env) throws StartupException {
        try (OutputStream probe = LogPipeline.openLogFile(file, false)) {
            // opened (and created) as the log file is: the one-line error comes from here
        } catch (LogSetupException e) {
            throw new StartupException("daemonize: " + e.getMessage());
        } catch (IOException e) {
            throw new StartupException("daemonize: close(\"" + file + "\"): " + e.getMessage());
        }
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(file.toFile()))
                .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put(MARKER, "1");
        try {
            return pb.start().pid();
        } catch (IOException e) {
            throw new StartupException("daemonize: cannot start " + command.getFirst() + ": " + e.getMessage());
        }
    }

    /** This JVM's command line: its executable, then the arguments after argv[0] in /proc/self/cmdline. */
    static List<String> ownCommandLine() throws StartupException {
        try {
            String exe = ProcessHandle.current().info().command()
                    .orElseThrow(() -> new IOException("the JVM's executable is unknown"));
            return commandLine(Files.readAllBytes(Path.of("/proc/self/cmdline")), exe, Charset.forName(
                    System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name())));
        } catch (IOException | IllegalArgumentException e) {
            throw new StartupException("daemonize: cannot read this process's command line: " + e.getMessage());
        }
    }

    /**
     * {@code cmdline} (NUL-terminated arguments, as /proc/PID/cmdline holds them) with argv[0]
     * replaced by {@code executable}.
     */
    static List<String> commandLine(byte[] cmdline, String executable, Charset charset) throws IOException {
        List<String> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                args.add(new String(cmdline, start, i - start, charset));
                start = i + 1;
            }
        }
        if (start < cmdline.length) {
            args.add(new String(cmdline, start, cmdline.length - start, charset));
        }
        if (args.isEmpty()) {
            throw new IOException("empty /proc/self/cmdline");
        }
        args.set(0, executable);
        return args;
    }
}
