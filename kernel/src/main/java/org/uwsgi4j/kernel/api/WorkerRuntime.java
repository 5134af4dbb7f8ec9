package org.uwsgi4j.kernel.api;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A language runtime whose applications run in worker processes of a real interpreter
 * (CPython, perl, ruby). The plugin says only how to start a worker host for a configuration;
 * the kernel does the rest: the private runtime directory, the channels of
 * docs/worker-protocol.md, preforking or lazy workers, dispatch, respawn, harakiri, reload.
 *
 * <p>Register it as an OSGi service with {@link AppRuntime#MODIFIER1} (an {@code Integer}) and
 * {@link AppRuntime#PLUGIN}. Requests for that modifier1 go to its workers.
 *
 * <p>At start the kernel first asks for the {@link #problems} of the configuration, then for the
 * {@link #workerHost}. A runtime started with the server that has a problem, or cannot prepare
 * its workers, ends the start-up (one line, exit code 1, as uWSGI does for a bad option
 * value); one that appears while the server runs (dropped in, or started from the shell) is
 * left without workers instead: one line in the log, and its modifier stays unavailable.
 */
public interface WorkerRuntime {

    /**
     * The worker host to start for {@code options}, or empty when the configuration names no
     * application of this runtime (then the kernel starts no workers for it).
     *
     * @throws IOException when the host cannot be prepared (e.g. its script cannot be written)
     * @throws IllegalArgumentException when the configuration is wrong; the message is the user's one line
     */
    Optional<WorkerHost> workerHost(Options options) throws IOException;

    /**
     * What this runtime cannot do of what {@code options} ask (a language without threads
     * refusing {@code --threads 4}): one line for the user each, naming the option and its value
     * (e.g. {@code "--threads 4: perl has no threads"}); empty when it can serve them. Called
     * before {@link #workerHost}; it only reads the options and starts nothing.
     *
     * @return the problems, in the order the options were given; by default none
     */
    default List<String> problems(Options options) {
        return List.of();
    }
}
