package org.uwsgi4j.kernel.api;

import org.uwsgi4j.kernel.api.LogSubscriber.Stream;

/**
 * One log line on its way to the log's outputs, as uWSGI's log encoders and loggers see it.
 *
 * @param stream      the server log or the request log
 * @param text        the line as text, without its newline; a server line carries its
 *                    {@code --log-date} prefix, as uWSGI's does. Request data are ISO-8859-1
 *                    chars (one char per byte)
 * @param message     the bytes the default output would write: {@code text} encoded (UTF-8 for
 *                    server lines, one byte per char for request lines) and a trailing
 *                    {@code '\n'}. Shared by every sink: never modify it
 * @param epochMicros when the line was logged, microseconds since the epoch
 */
public record LogLine(Stream stream, String text, byte[] message, long epochMicros) {
}
