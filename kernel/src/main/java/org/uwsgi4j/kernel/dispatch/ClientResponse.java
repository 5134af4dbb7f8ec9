package org.uwsgi4j.kernel.dispatch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.uwsgi4j.kernel.api.Response;

/**
 * The response writer of a client connection, as a {@link Target} sees it: the runtime's
 * {@link Response} plus what the kernel needs to end, check and count it. Implemented by the
 * connection side ({@code net}); used by the targets, which never see sockets.
 */
public interface ClientResponse extends Response {

    /** Ends the response (the last chunk, or checks the declared length); idempotent. */
    void finish() throws IOException;

    /** True once {@link #start} was called. */
    boolean started();

    /** True once the head has gone out to the client. */
    boolean headSent();

    /** Body bytes written so far. */
    long bodyBytes();

    /** Answers with {@code status} and that status as a plain-text body (a 500 or 502 of the kernel's). */
    default void answer(String status) throws IOException {
        byte[] text = (status + "\n").getBytes(StandardCharsets.ISO_8859_1);
        start(status, List.of(Map.entry("Content-Type", "text/plain"), Map.entry("Content-Length", String.valueOf(text.length))));
        body().write(text);
        finish();
    }
}
