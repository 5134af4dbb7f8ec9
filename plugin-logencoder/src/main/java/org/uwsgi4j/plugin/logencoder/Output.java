package org.uwsgi4j.plugin.logencoder;

import java.io.IOException;

/**
 * Where a logger writes: uWSGI's logger function ({@code file}, {@code fd}, {@code stdio},
 * {@code socket}, {@code syslog}, {@code rsyslog}). Called on the logger's own kernel thread
 * only; may block.
 */
interface Output extends AutoCloseable {

    /** Writes one encoded message. */
    void write(byte[] message) throws IOException;

    /** Pushes out what {@link #write} buffered. */
    default void flush() throws IOException {
    }

    @Override
    void close();
}
