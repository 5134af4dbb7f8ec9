package org.uwsgi4j.kernel.boot;

/** A start-up that cannot go on: its message is the one line the user sees, then the exit. */
final class StartupException extends Exception {

    private static final long serialVersionUID = 1L;

    StartupException(String message) {
        super(message);
    }
}
