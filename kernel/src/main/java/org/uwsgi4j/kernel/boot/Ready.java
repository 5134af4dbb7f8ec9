package org.uwsgi4j.kernel.boot;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs that the instance is ready, once it is: the apps of the worker pools have loaded and
 * their workers run (or failed to load: the line then follows uWSGI's "no app loaded" ones).
 * The time is the JVM's uptime, a monotonic clock from the JVM's start (the process's start
 * instant, which the JDK gives to the second, said 1,900 ms for starts that served in 1,100).
 *
 * <pre>
 *  *** uwsgi4j is ready in 812 ms (pid: 4242) ***
 * </pre>
 */
final class Ready implements BootStep {

    private static final Logger LOG = LoggerFactory.getLogger(Ready.class);

    @Override
    public boolean run(Boot boot) throws InterruptedException {
        var pools = boot.master.pools().stream().map(p -> p.started().toCompletableFuture()).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(pools).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a pool's start failed", e.getCause()); // never: started() only completes normally
        }
        LOG.info("*** uwsgi4j is ready in {} ms (pid: {}) ***", ManagementFactory.getRuntimeMXBean().getUptime(),
                ProcessHandle.current().pid());
        return true;
    }
}
