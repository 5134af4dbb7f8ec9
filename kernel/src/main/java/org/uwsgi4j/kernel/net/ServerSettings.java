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
 * @param autoPostBuffering {@code --auto-post-buffering N} (without {@code --post-buffering}): bodies of up to N
 *                           bytes are read whole before the request waits for a core, so a slow upload never
 *                           holds one; larger ones are streamed; 0 streams every body
 * @param chunkedStreaming   {@code --http-chunked-input}: chunked bodies are streamed, without CONTENT_LENGTH,
 *                           instead of being buffered and given a CONTENT_LENGTH
 * @param bodyReadWarningMb  {@code --body-read-warning} (MiB, default 8): buffering more than this logs a warning
 * @param soKeepalive        {@code --so-keepalive}: TCP keepalive on client sockets
 * @param processes          {@code --processes} (at least 1): the in-JVM runtimes' workers, and the request
 *                           log's worker slots
 * @param threads            {@code --threads} (at least 1): cores per in-JVM worker
 */
public record ServerSettings(ProtocolLimits limits, Duration socketTimeout, long postBuffering, long autoPostBuffering, boolean chunkedStreaming,
                             long bodyReadWarningMb, boolean soKeepalive, int processes, int threads) {

    /** In memory, of a body {@code --auto-post-buffering} reads whole; the rest goes to a temp file. */
    public static final int AUTO_POST_BUFFERING_MEMORY = 64 * 1024;

    /**
     * How much of a body of {@code length} bytes may be held in memory when it is read whole
     * before dispatch, or -1 when it is streamed instead: {@code --post-buffering} reads every
     * body whole; else {@code --auto-post-buffering} those up to its size.
     */
    public long bufferedMemory(long length) {
        if (postBuffering > 0) {
            return postBuffering;
        }
        return length <= autoPostBuffering ? AUTO_POST_BUFFERING_MEMORY : -1;
    }

    /** The settings {@code options} ask for; defaults are the option table's (uWSGI's). */
    public static ServerSettings fromOptions(Options options) {
        int bufferSize = options.intValue("buffer-size");
        if (bufferSize < 1 || bufferSize > ProtocolLimits.MAX_BUFFER_SIZE) {
            throw new IllegalArgumentException("buffer-size " + bufferSize + " out of range (1-" + ProtocolLimits.MAX_BUFFER_SIZE + ")");
        }
        return new ServerSettings(ProtocolLimits.DEFAULTS.withBufferSize(bufferSize),
                Duration.ofSeconds(Math.max(1, options.intValue("socket-timeout"))),
                options.intValue("post-buffering"),
                Math.max(0, options.number("auto-post-buffering")),
                options.isTrue("http-chunked-input"),
                options.intValue("body-read-warning"),
                options.isTrue("so-keepalive"),
                Math.max(1, options.intValue("processes")),
                Math.max(1, options.intValue("threads")));
    }
}
