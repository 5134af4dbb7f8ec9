package org.uwsgi4j.kernel.boot;

import org.uwsgi4j.kernel.daemon.AttachedDaemons;
import org.uwsgi4j.launcher.api.ProcessExit;

/**
 * Starts the attached daemons ({@code --attach-daemon}, {@code --attach-control-daemon},
 * {@code --smart-attach-daemon}, {@code --smart-attach-daemon2}, {@code --attach-daemon2}) once
 * the sockets accept (after the privileges drop, as uWSGI's master spawns them), watches their
 * touch files, tells them of reloads, and stops them with the server. A control daemon's death
 * stops the server as SIGTERM does.
 */
final class AttachDaemons implements BootStep {

    @Override
    public boolean run(Boot boot) throws StartupException {
        AttachedDaemons daemons;
        try {
            var values = new AttachedDaemons.Values(boot.options.values("attach-daemon"), boot.options.values("attach-control-daemon"),
                    boot.options.values("smart-attach-daemon"), boot.options.values("smart-attach-daemon2"),
                    boot.options.values("attach-daemon2"), boot.options.isTrue("daemons-honour-stdin"));
            daemons = AttachedDaemons.of(values, boot.pool.env(), System.err, boot.shutdownMercy(), () -> boot.master.post(() -> {
                boot.stopAccepting.forEach(Runnable::run);
                boot.master.shutdownRequested();
                boot.exit.exit(ProcessExit.SUCCESS);
            }));
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage());
        }
        if (!daemons.isEmpty()) {
            boot.onStop(daemons);
            boot.master.onReload(daemons::reloading);
            daemons.start(boot.master::watchTouch);
        }
        return true;
    }
}
