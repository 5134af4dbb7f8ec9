package org.uwsgi4j.kernel.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import org.uwsgi4j.kernel.daemon.AttachedDaemons;

/**
 * Starts the {@code --attach-daemon} and {@code --smart-attach-daemon} commands once the
 * sockets accept (after the privileges drop, as uWSGI's master spawns them), and stops them
 * with the server.
 */
final class AttachDaemons implements BootStep {

    @Override
    public boolean run(Boot boot) throws StartupException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String pair : boot.options.values("env")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                env.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        AttachedDaemons daemons;
        try {
            daemons = AttachedDaemons.of(boot.options.values("attach-daemon"), boot.options.values("smart-attach-daemon"),
                    env, System.err, boot.pool.workerMercy());
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage());
        }
        if (!daemons.isEmpty()) {
            boot.onStop(daemons);
            daemons.start();
        }
        return true;
    }
}
