package org.uwsgi4j.kernel.api;

import java.io.IOException;

/**
 * An output of the log that replaces the default one (standard error or {@code --logto}):
 * uWSGI's {@code --logger} and {@code --req-logger}, with the encoders bound to it.
 *
 * <p>Register it as an OSGi service (whiteboard), with {@link #NAME} and
 * {@link LogSubscriber#STREAM}; the kernel tracks these services dynamically. The kernel gives
 * each sink a bounded queue and a thread of its own:
 *
 * <pre>
 *  line ─▶ encode() on the logging thread, in order ─▶ bytes ─▶ [bounded queue] ─▶ write() on the sink's thread
 *            │ null from every sink of the stream                        full: dropped, counted, one line says so
 *            └─▶ the default output (with the {@link LogEncoder} of the stream, if any)
 * </pre>
 *
 * <p>Contract:
 * <ul>
 * <li>{@link #encode} is called on the thread that logs, under the log's lock, one line at a time
 *     and in the order lines are logged; it must be quick and must not block (no I/O). It returns
 *     the bytes to write, or null when the line is not for this sink (a route sends it
 *     elsewhere). A line that no sink of its stream takes goes to the default output, so the
 *     default comes back when the last sink goes away.</li>
 * <li>{@link #write} and {@link #flush} are called on the sink's own kernel thread and may
 *     block: a slow sink delays only itself. {@link #flush} follows every batch of writes. When
 *     the queue is full, new lines are dropped for this sink and the kernel logs how many; an
 *     {@link IOException} is counted as a lost line and its first message is logged.</li>
 * <li>{@link #close} is called on the sink's thread after the last write, when the service goes
 *     away or the server stops.</li>
 * </ul>
 */
public interface LogSink {

    /** Service property: the sink's name in the shell's {@code uwsgi:loggers} and in drop reports. */
    String NAME = "uwsgi4j.log.sink";

    /** The bytes to write for {@code line}, or null when the line is not for this sink. */
    byte[] encode(LogLine line);

    /** Writes one encoded line. */
    void write(byte[] encoded) throws IOException;

    /** Pushes out what {@link #write} buffered; called after each batch. */
    default void flush() throws IOException {
    }

    /** Releases the sink's resources; no write follows. */
    default void close() {
    }
}
