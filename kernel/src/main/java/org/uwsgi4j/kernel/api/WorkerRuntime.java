package org.uwsgi4j.kernel.api;

import java.io.IOException;
import java.util.Optional;

/**
 * A language runtime whose applications run in worker processes of a real interpreter
 * (CPython, perl, ruby). The plugin says only how to start a worker host for a configuration;
 * the kernel does the rest: the private runtime directory, the channels of
 * docs/worker-protocol.md, preforking or lazy workers, dispatch, respawn, harakiri, reload.
 *
 * <p>Register it as an OSGi service with {@link AppRuntime#MODIFIER1} (an {@code Integer}) and
 * {@link AppRuntime#PLUGIN}. Requests for that modifier1 go to its workers.
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
}
