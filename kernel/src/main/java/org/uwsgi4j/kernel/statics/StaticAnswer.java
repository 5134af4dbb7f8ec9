package org.uwsgi4j.kernel.statics;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The kernel's answer to a request for a static file: its status line and headers and, when it
 * has a body, the bytes {@code [offset, offset + length)} of {@code file}. {@link #NONE}: no
 * static rule serves the request, which goes on to the app.
 */
public record StaticAnswer(String statusLine, List<Map.Entry<String, String>> headers, Path file, long offset, long length) {

    /** Not a static request: the app serves it. */
    public static final StaticAnswer NONE = new StaticAnswer(null, List.of(), null, 0, 0);

    /** A path that would leave the mapped directory. */
    static final StaticAnswer FORBIDDEN = new StaticAnswer("403 Forbidden", List.of(Map.entry("Content-Length", "0")), null, 0, 0);

    /** True unless this is {@link #NONE}. */
    public boolean served() {
        return statusLine != null;
    }
}
