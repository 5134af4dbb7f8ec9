package org.uwsgi4j.kernel.log;

import java.io.IOException;

/**
 * The default output of the log: standard error, the {@code --logto} file, or the
 * {@code --logto HOST:PORT} UDP address. Written by one thread at a time.
 */
interface LogOutput extends AutoCloseable {

    /** Writes one line (its bytes end with the newline, or whatever the encoders made of it). */
    void write(byte[] line) throws IOException;

    /**
     * Reopens the output ({@code --touch-logreopen}, {@code --log-reopen}); only a file has
     * anything to reopen.
     */
    default void reopen() {
    }

    /**
     * Rotates the output now ({@code --touch-logrotate}), as {@code --log-maxsize} does when the
     * file grows past it; only a file rotates.
     */
    default void rotate() {
    }

    @Override
    void close() throws IOException;
}
