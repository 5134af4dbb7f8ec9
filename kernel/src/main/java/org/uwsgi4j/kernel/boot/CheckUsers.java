package org.uwsgi4j.kernel.boot;

import java.io.IOException;
import org.uwsgi4j.kernel.cheaper.CheaperSettings;
import org.uwsgi4j.kernel.worker.PoolSettings;
import org.uwsgi4j.kernel.worker.WorkerPool;

/**
 * Parses the workers' settings once, for every pool; {@code --uid}/{@code --gid} must name a user
 * and group that exist, and the cheaper rss limits must make sense (with or without a pool).
 */
final class CheckUsers implements BootStep {

    @Override
    public boolean run(Boot boot) throws StartupException {
        String rssLimits = CheaperSettings.rssLimitsProblem(boot.options);
        if (rssLimits != null) {
            throw new StartupException(rssLimits);
        }
        boot.pool = PoolSettings.fromOptions(boot.options, boot.version);
        try {
            WorkerPool.checkSettings(boot.pool);
        } catch (IOException e) {
            throw new StartupException(e.getMessage());
        }
        return true;
    }
}
