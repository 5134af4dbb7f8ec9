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
 * the master's thread. On a shutdown signal the listening sockets close first, so new clients
 * are refused while the requests in hand finish (uWSGI's users read a refused connection as
 * "this instance is going", where a 502 would read as "it is broken").
 */
final class MasterSignals implements SignalHandler {

    private static final Logger LOG = LoggerFactory.getLogger(MasterSignals.class);

    private final MasterLoop master;
    private final ProcessExit exit;
    private final Runnable stopAccepting;

    /** @param stopAccepting closes the listening sockets (idempotent) */
    MasterSignals(MasterLoop master, ProcessExit exit, Runnable stopAccepting) {
        this.master = master;
        this.exit = exit;
        this.stopAccepting = stopAccepting;
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
            stopAccepting.run();
            master.shutdownRequested();
            exit.exit(ProcessExit.SUCCESS);
        }
    }
}
