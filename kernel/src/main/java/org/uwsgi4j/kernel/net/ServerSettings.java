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
 */
public record ServerSettings(ProtocolLimits limits, Duration socketTimeout, long postBuffering, boolean chunkedStreaming,
                             long bodyReadWarningMb, boolean soKeepalive) {

    /** The settings {@code options} ask for, with uWSGI's defaults. */
    public static ServerSettings fromOptions(Options options) {
        int bufferSize = intOption(options, "buffer-size", ProtocolLimits.DEFAULT_BUFFER_SIZE);
        if (bufferSize < 1 || bufferSize > ProtocolLimits.MAX_BUFFER_SIZE) {
            throw new IllegalArgumentException("buffer-size " + bufferSize + " out of range (1-" + ProtocolLimits.MAX_BUFFER_SIZE + ")");
        }
        return new ServerSettings(ProtocolLimits.DEFAULTS.withBufferSize(bufferSize),
                Duration.ofSeconds(Math.max(1, intOption(options, "socket-timeout", 4))),
                intOption(options, "post-buffering", 0),
                options.isTrue("http-chunked-input"),
                intOption(options, "body-read-warning", 8),
                options.isTrue("so-keepalive"));
    }

    private static int intOption(Options options, String name, int fallback) {
        return options.value(name).map(v -> Integer.parseInt(v.strip())).orElse(fallback);
    }
}
