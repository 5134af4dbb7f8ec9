package org.uwsgi4j.kernel.boot;

import java.io.IOException;
import org.uwsgi4j.kernel.worker.PoolSettings;
import org.uwsgi4j.kernel.worker.WorkerPool;

/** Parses the workers' settings once, for every pool; {@code --uid}/{@code --gid} must name a user and group that exist. */
final class CheckUsers implements BootStep {

    @Override
    public boolean run(Boot boot) throws StartupException {
        boot.pool = PoolSettings.fromOptions(boot.options, boot.version);
        try {
            WorkerPool.checkSettings(boot.pool);
        } catch (IOException e) {
            throw new StartupException(e.getMessage());
        }
        return true;
    }
}
