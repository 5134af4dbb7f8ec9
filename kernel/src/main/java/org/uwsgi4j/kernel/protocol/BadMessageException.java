package org.uwsgi4j.kernel.protocol;

/**
 * A request the parsers refuse: the HTTP status to answer with (when the socket speaks HTTP) and
 * a one-line reason for the log. It carries no stack trace: a malformed request is an ordinary
 * event on a network server, not a bug, and building traces for garbage floods would cost more
 * than parsing it.
 */
public final class BadMessageException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String hint;

    /** A refusal answered with {@code status}; {@code reason} is the log line. */
    public BadMessageException(int status, String reason) {
        this(status, reason, null);
    }

    /** As above, with a second log line that suggests the likely cause (or {@code null}). */
    public BadMessageException(int status, String reason, String hint) {
        super(reason, null, false, false);
        this.status = status;
        this.hint = hint;
    }

    /** The HTTP status to answer with: 400, 413, 414, 431, 501 or 505. */
    public int status() {
        return status;
    }

    /** The log line, e.g. {@code invalid request block size: 21573 (max 4096)...skip}. */
    public String reason() {
        return getMessage();
    }

    /** A further log line explaining the likely cause, or {@code null}. */
    public String hint() {
        return hint;
    }
}
