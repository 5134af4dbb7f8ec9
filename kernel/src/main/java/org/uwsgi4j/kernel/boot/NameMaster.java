package org.uwsgi4j.kernel.boot;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.os.ProcessTitle;
import org.uwsgi4j.kernel.worker.ProcessNames;

/**
 * {@code --auto-procname} and the {@code --procname*} options for the master (the JVM), once the
 * master runs, as uWSGI's master names itself when its loop starts: {@code uWSGI master}, or
 * {@code --procname-master}, or {@code --procname}, with the prefix and the suffix. The hosts
 * name themselves and their workers (docs/master.md, "Process names").
 */
final class NameMaster implements BootStep {

    private static final Logger LOG = LoggerFactory.getLogger(NameMaster.class);

    @Override
    public boolean run(Boot boot) {
        ProcessNames.fromOptions(boot.options).masterName().ifPresent(name -> {
            try {
                ProcessTitle.set(name);
            } catch (IOException | RuntimeException e) {
                LOG.warn("*** cannot set the master's process name: {} ***", e.getMessage());
            }
        });
        return true;
    }
}
