package org.uwsgi4j.kernel.log;

import java.io.IOException;

/**
 * The log's default output as one object whose target can change while lines flow: stderr or
 * {@code --logto} at start, the {@code --logto2} output once the privileges are dropped. Every
 * call goes to the current target; {@link #replace} closes the one it replaces.
 */
final class DefaultOutput implements LogOutput {

    private LogOutput current;

    DefaultOutput(LogOutput first) {
        this.current = first;
    }

    /** Makes {@code next} the output from the next line on and closes the previous one. */
    synchronized void replace(LogOutput next) throws IOException {
        LogOutput previous = current;
        current = next;
        previous.close();
    }

    @Override
    public synchronized void write(byte[] line) throws IOException {
        current.write(line);
    }

    @Override
    public synchronized void reopen() {
        current.reopen();
    }

    @Override
    public synchronized void rotate() {
        current.rotate();
    }

    @Override
    public synchronized String toString() {
        return current.toString();
    }

    @Override
    public synchronized void close() throws IOException {
        current.close();
    }
}
