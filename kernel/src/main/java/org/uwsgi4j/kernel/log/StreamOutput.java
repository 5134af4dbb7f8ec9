package org.uwsgi4j.kernel.log;

import java.io.IOException;
import java.io.OutputStream;

/** The process's standard error (never closed), or any stream, as the log's default output. */
final class StreamOutput implements LogOutput {

    private final OutputStream out;
    private final boolean closeIt;

    StreamOutput(OutputStream out, boolean closeIt) {
        this.out = out;
        this.closeIt = closeIt;
    }

    @Override
    public void write(byte[] line) throws IOException {
        out.write(line);
        out.flush();
    }

    @Override
    public String toString() {
        return closeIt ? "stream" : "stderr";
    }

    @Override
    public void close() throws IOException {
        if (closeIt) {
            out.close();
        } else {
            out.flush();
        }
    }
}
