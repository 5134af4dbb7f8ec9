package org.uwsgi4j.kernel.net;

import java.time.Duration;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.protocol.ProtocolLimits;

/**
 * How client connections are served, from the options:
 *
 * @param limits             {@code --buffer-size}: the largest request head / uwsgi vars block
 * @param socketTimeout      {@code --socket-timeout} (uWSGI's default 4 s): a client read waiting longer is cut
 * @param postBuffering      {@code --post-buffering N}: bodies are read whole before the request is dispatched,
 *                           in memory up to N bytes, in a temp file above; 0 streams bodies from the socket
 * @param chunkedStreaming   {@code --http-chunked-input}: chunked bodies are streamed, without CONTENT_LENGTH,
 *                           instead of being buffered and given a CONTENT_LENGTH
 * @param bodyReadWarningMb  {@code --body-read-warning} (MiB, default 8): buffering more than this logs a warning
 * @param soKeepalive        {@code --so-keepalive}: TCP keepalive on client sockets
 * @param processes          {@code --processes} (at least 1): the in-JVM runtimes' workers, and the request
 *                           log's worker slots
 * @param threads            {@code --threads} (at least 1): cores per in-JVM worker
 */
public record ServerSettings(ProtocolLimits limits, Duration socketTimeout, long postBuffering, boolean chunkedStreaming,
                             long bodyReadWarningMb, boolean soKeepalive, int processes, int threads) {

    /** The settings {@code options} ask for; defaults are the option table's (uWSGI's). */
    public static ServerSettings fromOptions(Options options) {
        int bufferSize = options.intValue("buffer-size");
        if (bufferSize < 1 || bufferSize > ProtocolLimits.MAX_BUFFER_SIZE) {
            throw new IllegalArgumentException("buffer-size " + bufferSize + " out of range (1-" + ProtocolLimits.MAX_BUFFER_SIZE + ")");
        }
        return new ServerSettings(ProtocolLimits.DEFAULTS.withBufferSize(bufferSize),
                Duration.ofSeconds(Math.max(1, options.intValue("socket-timeout"))),
                options.intValue("post-buffering"),
                options.isTrue("http-chunked-input"),
                options.intValue("body-read-warning"),
                options.isTrue("so-keepalive"),
                Math.max(1, options.intValue("processes")),
                Math.max(1, options.intValue("threads")));
    }
}
