package org.uwsgi4j.launcher.api;

/** The process signals the launcher catches and hands to the kernel ({@link SignalHandler}), as uWSGI 2.1 reads them. */
public enum ProcessSignal {
    /** SIGHUP: reload the workers gracefully. */
    HUP,
    /** SIGTERM: shut down gracefully. */
    TERM,
    /** SIGINT: shut down gracefully. */
    INT,
    /** SIGQUIT: shut down gracefully. */
    QUIT
}
