package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.time.Instant;
import org.uwsgi4j.kernel.protocol.RequestVars;
import org.uwsgi4j.kernel.statics.StaticAnswer;
import org.uwsgi4j.kernel.statics.StaticFiles;
import org.uwsgi4j.kernel.statics.StaticRequest;

/**
 * Answers a request that a static rule claims, from the JVM, on the connection's virtual thread
 * (never on the accepting thread: it stats and opens files), without a worker: the head, then
 * the file's bytes zero-copy ({@link HttpResponseWriter#sendFile}). On HTTP and uwsgi sockets
 * alike, as uWSGI serves static files on both.
 */
final class StaticResponder {

    private StaticResponder() {
    }

    /**
     * Writes the static answer to the request in {@code vars} and returns true, or returns false
     * without writing anything when no static file serves it (the app does), including a file
     * that cannot be opened.
     */
    static boolean serve(StaticFiles statics, RequestVars vars, HttpResponseWriter response) throws IOException {
        var request = new StaticRequest(vars.get("REQUEST_METHOD"), vars.get("PATH_INFO"), vars.get("REQUEST_URI"),
                vars.get("HTTP_ACCEPT_ENCODING"), vars.get("HTTP_IF_MODIFIED_SINCE"), vars.get("HTTP_RANGE"), vars.get("HTTP_IF_RANGE"));
        StaticAnswer answer = statics.answer(request, Instant.now().getEpochSecond());
        if (!answer.served()) {
            return false;
        }
        if (answer.file() == null) {
            statics.countServed();
            response.start(answer.statusLine(), answer.headers());
            response.finish();
            return true;
        }
        FileChannel file;
        try {
            file = FileChannel.open(answer.file());
        } catch (IOException e) {
            return false; // gone or unreadable since it was found: the app answers, as uWSGI
        }
        statics.countServed();
        try (file) {
            response.start(answer.statusLine(), answer.headers());
            response.sendFile(file, answer.offset(), answer.length());
        }
        response.finish();
        return true;
    }
}
