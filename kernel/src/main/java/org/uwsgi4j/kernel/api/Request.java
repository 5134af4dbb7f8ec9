package org.uwsgi4j.kernel.api;

import java.io.InputStream;
import java.util.Map;

/** One request as the uwsgi protocol carries it: header modifiers, variables and body. */
public interface Request {

    /** The packet's modifier1 (0-255), which selected the runtime. */
    int modifier1();

    /** The packet's modifier2 (0-255), free for the runtime to interpret. */
    int modifier2();

    /** The request variables (CGI/uwsgi vars) in the order they arrived. */
    Map<String, String> vars();

    /** The request body: exactly CONTENT_LENGTH bytes (de-chunked), then end of stream. */
    InputStream body();
}
