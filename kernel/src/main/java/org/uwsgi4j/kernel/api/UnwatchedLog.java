package org.uwsgi4j.kernel.api;

/**
 * The server log without its {@link LogSubscriber}s: a line written here goes to the log, its
 * sinks and encoders like any server line, and is never handed to a subscriber, whatever thread
 * writes it. Offered by the kernel as a service.
 *
 * <p>For a subscriber's own output, written from threads of its own: an alarm's command output,
 * the result of its HTTP request, its failures. Written through the ordinary log, such lines
 * would reach the alarm that caused them and raise it again (uWSGI loops there: a
 * {@code log:} alarm whose regexp matches its own line raises itself for ever).
 *
 * <p>Thread-safe; never blocks longer than an ordinary log line.
 */
@FunctionalInterface
public interface UnwatchedLog {

    /** Logs {@code line} as a server line (with the {@code --log-date} prefix, if any) that no subscriber receives. */
    void server(String line);
}
