package org.uwsgi4j.kernel.api;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/** The response side of a {@link Request}: a status, headers once, then a streamed body. */
public interface Response {

    /**
     * Starts the response with {@code status} (e.g. {@code "200 OK"}) and its headers, in
     * order. Must be called exactly once, before anything is written to {@link #body()}.
     */
    void start(String status, List<Map.Entry<String, String>> headers) throws IOException;

    /** The body stream; closing it, or returning from the handler, ends the response. */
    OutputStream body();
}
