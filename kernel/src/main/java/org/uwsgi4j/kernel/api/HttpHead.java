package org.uwsgi4j.kernel.api;

import java.nio.ByteBuffer;

/**
 * One connection's HTTP/1.x request head: a push parser with no I/O, then the head's facts and
 * its uwsgi variables. Reused for each request with {@link #reset()}; not thread-safe.
 *
 * <pre>
 *  reset() ─▶ parse(bytes)… ─▶ true: the head is whole ─▶ facts, vars(…), decodeChunk(…)…
 * </pre>
 */
public interface HttpHead {

    /**
     * Parses what {@code in} holds, advancing its position over the bytes of the head and no
     * further (a body or a pipelined request stays in {@code in}).
     *
     * @return whether the head is complete
     * @throws BadRequest for a malformed head (status 400, 414, 431, 501 or 505)
     */
    boolean parse(ByteBuffer in) throws BadRequest;

    /** Forgets the request and starts on the next one. */
    void reset();

    /** Whether any byte of a head has come (an idle keep-alive close is not a cut request). */
    boolean isStarted();

    /** The method, e.g. {@code GET}. */
    String method();

    /** The request-target as sent ({@code /path?query}, latin-1). */
    String target();

    /** {@code HTTP/1.0} or {@code HTTP/1.1}. */
    String version();

    /** Whether the client lets the connection be kept after the response (version and {@code Connection}). */
    boolean keepAlive();

    /** Whether the client sent {@code Expect: 100-continue}. */
    boolean expectContinue();

    /** The {@code Content-Length}; 0 without a body, -1 for a chunked body. */
    long contentLength();

    /** The value of the first header named {@code name} (case-insensitive), or {@code null}. */
    String header(String name);

    /**
     * Writes the request's CGI variables into {@code vars} as the kernel's HTTP socket makes them
     * (REQUEST_METHOD … REMOTE_PORT, {@code HTTPS=on} for TLS, one HTTP_ variable per header).
     *
     * @param serverName SERVER_NAME (uWSGI: the machine's host name)
     * @param serverPort SERVER_PORT (the listening port)
     * @param remoteAddr REMOTE_ADDR
     * @param remotePort REMOTE_PORT, or -1 to leave it out
     * @param https      whether the client came over TLS
     * @throws BadRequest (400) when the decoded path would hold a NUL byte
     */
    void vars(String serverName, String serverPort, String remoteAddr, int remotePort, boolean https, UwsgiVars vars)
            throws BadRequest;

    /**
     * Decodes the chunked body that follows a chunked head: takes what {@code in} holds,
     * appends the data to {@code body}, and advances {@code in} over the body and no further.
     *
     * @return whether the body is complete (last chunk and trailers read)
     * @throws BadRequest for a malformed body (400)
     * @throws java.io.IOException when {@code body} fails to take the data
     */
    boolean decodeChunk(ByteBuffer in, java.io.OutputStream body) throws BadRequest, java.io.IOException;

    /**
     * A request the parser refuses: the status to answer with and a one-line reason for the
     * log (no stack trace: garbage from the network is ordinary).
     */
    final class BadRequest extends Exception {

        private static final long serialVersionUID = 1L;

        private final int status;

        /** A refusal answered with {@code status}; {@code reason} is the log line. */
        public BadRequest(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }

        /** The HTTP status to answer with. */
        public int status() {
            return status;
        }
    }
}
