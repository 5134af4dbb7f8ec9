package org.uwsgi4j.kernel.boot;

import org.uwsgi4j.kernel.daemon.AttachedDaemons;

/**
 * Starts the {@code --attach-daemon} and {@code --smart-attach-daemon} commands once the
 * sockets accept (after the privileges drop, as uWSGI's master spawns them), and stops them
 * with the server.
 */
final class AttachDaemons implements BootStep {

    @Override
    public boolean run(Boot boot) throws StartupException {
        AttachedDaemons daemons;
        try {
            daemons = AttachedDaemons.of(boot.options.values("attach-daemon"), boot.options.values("smart-attach-daemon"),
                    boot.pool.env(), System.err, boot.shutdownMercy());
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
