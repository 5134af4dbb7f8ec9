package org.uwsgi4j.launcher.log;

import java.io.PrintStream;

/**
 * Where log lines go: one line a call, written whole, to the process's standard error,
 * as uWSGI logs by default. Lines carry no level or logger prefix, since uWSGI's do not.
 */
final class LineLog {

    private final PrintStream out;

    LineLog(PrintStream out) {
        this.out = out;
    }

    /** Writes {@code line} and, for an unexpected failure, its stack trace. */
    void write(String line, Throwable failure) {
        synchronized (out) {
            out.println(line);
            if (failure != null) {
                failure.printStackTrace(out);
            }
            out.flush();
        }
    }
}
