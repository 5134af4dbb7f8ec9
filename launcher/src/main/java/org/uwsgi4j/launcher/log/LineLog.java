package org.uwsgi4j.launcher.log;

import java.io.PrintStream;

/**
 * Where log lines go: one line a call, written whole, to the process's current standard
 * error, as uWSGI logs by default. Lines carry no level or logger prefix, since uWSGI's do not.
 * The kernel may replace {@code System.err} (its {@code --logto} pipeline, the Java analogue of
 * uWSGI's dup2 onto fd 2), so the stream is read on every call.
 */
final class LineLog {

    /** Writes {@code line} and, for an unexpected failure, its stack trace. */
    void write(String line, Throwable failure) {
        PrintStream out = System.err;
        synchronized (out) {
            out.println(line);
            if (failure != null) {
                failure.printStackTrace(out);
            }
            out.flush();
        }
    }
}
