package org.uwsgi4j.kernel.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to start a worker host process: the command, the environment it needs beyond the
 * kernel's own {@code UWSGI4J_*} variables (docs/worker-protocol.md), and its working
 * directory. The kernel starts it with stdin at /dev/null and logs its stdout and stderr.
 *
 * @param command     the program and its arguments, e.g. {@code [python3, /…/uwsgi4j_worker.py]}
 * @param environment variables to add to the kernel's environment (the app to load, paths …)
 * @param directory   the working directory ({@code --chdir}, else the kernel's)
 * @param name        a short name for the log, e.g. {@code "WSGI app 0 (mountpoint='')"}
 */
public record WorkerHost(List<String> command, Map<String, String> environment, Path directory, String name) {

    public WorkerHost {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }
}
