package org.uwsgi4j.kernel.worker;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.WorkerHost;

/**
 * Starts a worker host (or lazy worker) process: the plugin's command and environment plus the
 * kernel's {@code UWSGI4J_*} variables (the same for every language: the socket, token, role,
 * worker id, credentials, cores, and the {@link HostEnvironment} facts), stdin at /dev/null (the master's own with
 * {@code --honour-stdin}), stdout and stderr logged line by line (a Python traceback reaches
 * the log as uWSGI shows it).
 */
final class ProcessLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessLauncher.class);

    private ProcessLauncher() {
    }

    static Process start(WorkerHost host, Path socket, String token, String role, int workerId, PoolSettings settings)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(host.command());
        if (host.directory() != null) {
            pb.directory(host.directory().toFile());
        }
        Map<String, String> env = pb.environment();
        env.remove("UWSGI4J_DAEMON"); // the master's --daemonize marker is not the workers' (nor their apps')
        settings.env().forEach((name, value) -> {
            if (value == null) {
                env.remove(name); // --unenv
            } else {
                env.put(name, value);
            }
        });
        env.putAll(host.environment());
        env.putAll(settings.facts());
        env.put("UWSGI4J_SOCKET", socket.toString());
        env.put("UWSGI4J_TOKEN", token);
        env.put("UWSGI4J_ROLE", role);
        settings.uid().ifPresent(u -> env.put("UWSGI4J_UID", u));
        settings.gid().ifPresent(g -> env.put("UWSGI4J_GID", g));
        env.put("UWSGI4J_THREADS", String.valueOf(settings.threads()));
        env.put("UWSGI4J_PROCESSES", String.valueOf(settings.processes()));
        if (workerId > 0) {
            env.put("UWSGI4J_WORKER_ID", String.valueOf(workerId));
        } else {
            env.remove("UWSGI4J_WORKER_ID");
        }
        pb.redirectInput(settings.honourStdin() ? ProcessBuilder.Redirect.INHERIT
                : ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process = pb.start();
        pump(process.getInputStream(), "stdout-" + process.pid());
        pump(process.getErrorStream(), "stderr-" + process.pid());
        return process;
    }

    /**
     * Logs each line of {@code in} until it ends, on a platform thread: a read from a process
     * pipe blocks its thread in the kernel, and on a virtual thread it would hold a carrier of
     * the scheduler, which serves every connection (two quiet workers once held both carriers
     * of a 2-core machine, and the server stopped answering).
     */
    private static void pump(InputStream in, String name) {
        Thread.ofPlatform().daemon().name("uwsgi4j-" + name).start(() -> {
            try (var lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    LOG.info("{}", line);
                }
            } catch (IOException e) {
                // the process is gone
            }
        });
    }
}
