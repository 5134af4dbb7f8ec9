package org.uwsgi4j.plugin.logencoder;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;

/**
 * uWSGI's {@code stdio} logger: the process's standard error as it was when the server started
 * (descriptor 2, not the log pipeline that {@code System.err} became).
 */
final class StdioOutput implements Output {

    private final FileOutputStream err = new FileOutputStream(FileDescriptor.err);

    @Override
    public void write(byte[] message) throws IOException {
        err.write(message);
    }

    @Override
    public void close() {
        // descriptor 2 stays open for the process
    }

    @Override
    public String toString() {
        return "stdio";
    }
}
