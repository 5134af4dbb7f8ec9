package org.uwsgi4j.kernel.boot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.worker.MasterLoop;
import org.uwsgi4j.launcher.api.ProcessExit;
import org.uwsgi4j.launcher.api.ProcessSignal;
import org.uwsgi4j.launcher.api.SignalHandler;

/**
 * The kernel's {@link SignalHandler}, as uWSGI 2.1 reads the signals: SIGHUP reloads the
 * workers gracefully; SIGTERM, SIGINT and SIGQUIT shut down gracefully. The work is posted to
 * the master's thread.
 */
final class MasterSignals implements SignalHandler {

    private static final Logger LOG = LoggerFactory.getLogger(MasterSignals.class);

    private final MasterLoop master;
    private final ProcessExit exit;

    MasterSignals(MasterLoop master, ProcessExit exit) {
        this.master = master;
        this.exit = exit;
    }

    @Override
    public void handle(ProcessSignal signal) {
        master.post(() -> onMaster(signal));
    }

    private void onMaster(ProcessSignal signal) {
        if (signal == ProcessSignal.HUP) {
            LOG.info("...gracefully reloading the workers (SIGHUP)...");
            master.reloadAll();
        } else {
            LOG.info("SIG{} received: shutting down gracefully...", signal);
            master.shutdownRequested();
            exit.exit(ProcessExit.SUCCESS);
        }
    }
}
