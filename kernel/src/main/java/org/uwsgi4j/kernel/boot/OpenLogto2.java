package org.uwsgi4j.kernel.boot;

import java.util.Optional;
import org.uwsgi4j.kernel.log.LogSetupException;

/**
 * {@code --logto2}: once the privileges are dropped, the log's default output becomes that file
 * (or UDP address), as uWSGI opens it after {@code setuid}; a file that cannot be opened ends
 * the start with uWSGI's one line ({@code open("FILE"): Permission denied}).
 */
final class OpenLogto2 implements BootStep {

    @Override
    public boolean run(Boot boot) throws StartupException {
        Optional<String> logto2 = boot.options.value("logto2");
        if (logto2.isPresent()) {
            try {
                boot.log.switchTo(logto2.get(), boot.options);
            } catch (LogSetupException e) {
                throw new StartupException(e.getMessage());
            }
        }
        return true;
    }
}
