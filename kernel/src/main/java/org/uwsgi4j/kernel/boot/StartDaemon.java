package org.uwsgi4j.kernel.boot;

import java.nio.file.Path;
import java.util.Optional;
import org.uwsgi4j.launcher.api.ProcessExit;

/** {@code --daemonize FILE}: starts the daemon ({@link Daemonize}) and exits 0; in the daemon itself, goes on. */
final class StartDaemon implements BootStep {

    @Override
    public boolean run(Boot boot) throws StartupException {
        Optional<Path> daemonize = Daemonize.requested(boot.options, System.getenv());
        if (daemonize.isEmpty()) {
            return true;
        }
        Daemonize.start(daemonize.get(), Daemonize.ownCommandLine(), System.getenv());
        return boot.exit(ProcessExit.SUCCESS);
    }
}
