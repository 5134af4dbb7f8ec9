package org.uwsgi4j.kernel.log;

/** The log cannot be set up as configured; the message is the one line to show the user. */
public final class LogSetupException extends Exception {

    private static final long serialVersionUID = 1L;

    public LogSetupException(String message) {
        super(message);
    }
}
