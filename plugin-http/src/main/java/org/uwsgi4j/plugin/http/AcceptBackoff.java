package org.uwsgi4j.plugin.http;

/**
 * How long an accepting thread pauses after {@code accept()} failed (out of file descriptors,
 * EMFILE, is the usual cause, and it lasts until some connection closes): nothing at first
 * success, then 50 ms doubling to 1.6 s while it keeps failing, back to nothing after an accept
 * succeeds. Without it the thread would spin on the failing call and flood the log. One per
 * accepting thread (not thread-safe).
 */
final class AcceptBackoff {

    static final long FIRST_MS = 50;
    static final long MAX_MS = 1600;

    private long delayMs;

    /** An accept failed: the pause before the next attempt, in milliseconds. */
    long failed() {
        delayMs = delayMs == 0 ? FIRST_MS : Math.min(MAX_MS, delayMs * 2);
        return delayMs;
    }

    /** An accept succeeded: the next failure pauses {@link #FIRST_MS} again. */
    void succeeded() {
        delayMs = 0;
    }
}
