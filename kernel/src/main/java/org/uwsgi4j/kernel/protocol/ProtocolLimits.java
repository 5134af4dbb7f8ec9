package org.uwsgi4j.kernel.protocol;

/**
 * The limits every parser in this package enforces, as data.
 *
 * @param bufferSize   uWSGI's {@code --buffer-size}: the largest uwsgi vars block, and the
 *                     largest HTTP request line plus headers, in bytes (1..65535, default 4096)
 * @param maxHeaders   the most header fields one HTTP request may carry (default 100)
 * @param maxChunkLine the longest chunk-size line of a chunked body, extensions included
 *                     (default 4096)
 * @param maxTrailers  the most bytes of trailer fields after the last chunk (default 4096)
 */
public record ProtocolLimits(int bufferSize, int maxHeaders, int maxChunkLine, int maxTrailers) {

    /** uWSGI's default buffer size. */
    public static final int DEFAULT_BUFFER_SIZE = 4096;
    /** The largest buffer size uWSGI accepts (the uwsgi header holds 16 bits). */
    public static final int MAX_BUFFER_SIZE = 65535;

    /** The defaults: 4096-byte buffer, 100 headers, 4096-byte chunk lines and trailers. */
    public static final ProtocolLimits DEFAULTS = new ProtocolLimits(DEFAULT_BUFFER_SIZE, 100, 4096, 4096);

    public ProtocolLimits {
        if (bufferSize < 1 || bufferSize > MAX_BUFFER_SIZE) {
            throw new IllegalArgumentException("buffer size " + bufferSize + " out of range 1.." + MAX_BUFFER_SIZE);
        }
        if (maxHeaders < 1 || maxChunkLine < 3 || maxTrailers < 0) {
            throw new IllegalArgumentException("invalid protocol limits: " + maxHeaders + "/" + maxChunkLine + "/" + maxTrailers);
        }
    }

    /** These limits with another {@code --buffer-size}. */
    public ProtocolLimits withBufferSize(int size) {
        return new ProtocolLimits(size, maxHeaders, maxChunkLine, maxTrailers);
    }
}
