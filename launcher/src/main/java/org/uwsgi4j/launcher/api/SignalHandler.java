package org.uwsgi4j.launcher.api;

/**
 * Takes the process's signals: registered by the kernel once its master runs. Before one is
 * registered (or once it is gone) the launcher ignores SIGHUP and ends the process on the others.
 */
public interface SignalHandler {

    /** Handles {@code signal}; called on a signal thread, so it only hands the work over and returns. */
    void handle(ProcessSignal signal);
}
