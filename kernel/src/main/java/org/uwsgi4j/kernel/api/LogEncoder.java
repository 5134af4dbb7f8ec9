package org.uwsgi4j.kernel.api;

/**
 * The encoding of the lines the default output writes (standard error or {@code --logto}):
 * uWSGI's {@code --log-encoder} chain applied when no logger is configured.
 *
 * <p>Register it as an OSGi service with {@link LogSubscriber#STREAM} ({@code server} or
 * {@code request}); the kernel uses the first one registered for a stream, and the plain line
 * again once it goes away. {@link #encode} is called as {@link LogSink#encode} is: on the
 * thread that logs, in order, quickly, without blocking.
 */
public interface LogEncoder {

    /** The bytes the default output writes for {@code line} (never null). */
    byte[] encode(LogLine line);
}
