package org.uwsgi4j.kernel.boot;

import org.uwsgi4j.kernel.api.UnwatchedLog;
import org.uwsgi4j.kernel.log.LogPipeline;
import org.uwsgi4j.kernel.log.LogSetupException;

/** Opens the log pipeline ({@code --logto}, {@code --log-date}) and makes it the process's stderr. */
final class OpenLog implements BootStep {

    @Override
    public boolean run(Boot boot) throws StartupException {
        LogPipeline pipeline;
        try {
            pipeline = LogPipeline.open(boot.options, System.err);
        } catch (LogSetupException e) {
            throw new StartupException(e.getMessage());
        }
        pipeline.installAsSystemErr();
        boot.register(LogPipeline.class, pipeline);
        boot.register(UnwatchedLog.class, pipeline::serverUnwatched);
        boot.onStop(pipeline);
        boot.log = pipeline;
        return true;
    }
}
