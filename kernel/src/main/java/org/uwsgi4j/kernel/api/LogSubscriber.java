package org.uwsgi4j.kernel.api;

/**
 * Receives every log line the instance writes: the server log (everything logged through
 * SLF4J or written to {@code System.err}) and the request log. Log encoders and alarms (uWSGI's
 * {@code --log-encoder}, {@code --log-alarm}) are subscribers.
 *
 * <p>Register it as an OSGi service (whiteboard); the kernel tracks these services dynamically:
 * a subscriber receives the lines written after it appears and none after it goes away.
 *
 * <p>Contract:
 * <ul>
 * <li>{@link #line} is called on one kernel thread dedicated to subscribers, never on the
 *     thread that logged; lines arrive in the order they were written, one call at a time.</li>
 * <li>It must not block: while it runs, no other subscriber receives anything. Lines are
 *     queued for subscribers in a bounded queue; when a subscriber is too slow and the queue is
 *     full, the newest lines are dropped for subscribers (never for the log itself) and the
 *     kernel logs how many were lost.</li>
 * <li>A line is the text as written, without the trailing newline and without the
 *     {@code --log-date} prefix. A server line may contain newlines (one log call is one line).
 *     Request lines carry request bytes as ISO-8859-1 characters (one char per byte), as the
 *     request variables do.</li>
 * <li>Lines the subscriber itself logs while handling a line are written to the log but are
 *     not handed to subscribers again, so a subscriber cannot feed itself.</li>
 * <li>An exception thrown by {@link #line} is logged once per subscriber and otherwise
 *     ignored; the subscriber keeps receiving lines.</li>
 * </ul>
 */
public interface LogSubscriber {

    /**
     * Service property (optional): which lines the subscriber wants, {@code "server"},
     * {@code "request"} or {@code "all"} (the default), like uWSGI's separate logger and
     * request logger chains.
     */
    String STREAM = "uwsgi4j.log.stream";

    /** Which log a line belongs to. */
    enum Stream {
        /** Server messages: start-up, errors, worker events (uWSGI's {@code --logger}). */
        SERVER,
        /** One line per finished request (uWSGI's {@code --req-logger}). */
        REQUEST
    }

    /** Handles one log line of {@code stream}; see the class comment for the threading contract. */
    void line(Stream stream, String line);
}
