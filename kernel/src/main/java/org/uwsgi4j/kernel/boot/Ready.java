package org.uwsgi4j.kernel.boot;

import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs that the instance is ready, with the time since the process started. */
final class Ready implements BootStep {

    private static final Logger LOG = LoggerFactory.getLogger(Ready.class);

    @Override
    public boolean run(Boot boot) {
        long ms = Duration.between(ProcessHandle.current().info().startInstant().orElse(Instant.now()), Instant.now()).toMillis();
        LOG.info("*** uwsgi4j is ready in {} ms (pid: {}) ***", ms, ProcessHandle.current().pid());
        return true;
    }
}
