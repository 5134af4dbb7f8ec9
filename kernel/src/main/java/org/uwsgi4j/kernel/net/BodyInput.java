package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * A request body of known length read straight from the connection: first the bytes already
 * in the connection's buffer, then from the socket. Never reads past the body, so the bytes
 * of a pipelined next request stay in the buffer for the connection.
 */
final class BodyInput extends InputStream {

    private final ClientChannel client;
    private long remaining;

    BodyInput(ClientChannel client, long length) {
        this.client = client;
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        if (!client.buffer().hasRemaining() && !client.fill()) {
            throw new IOException("client closed the connection with " + remaining + " body bytes unread");
        }
        ByteBuffer in = client.buffer(); // after the fill, which may have replaced it
        int n = (int) Math.min(Math.min(len, remaining), in.remaining());
        in.get(b, off, n);
        remaining -= n;
        return n;
    }

    @Override
    public int available() {
        return (int) Math.min(remaining, client.buffer().remaining());
    }

    /** Body bytes the runtime did not read. */
    long remaining() {
        return remaining;
    }

    /** Reads and drops up to {@code max} unread body bytes; true when the body is then fully consumed. */
    boolean drain(long max) throws IOException {
        if (remaining > max) {
            return false;
        }
        byte[] scratch = new byte[8192];
        while (remaining > 0) {
            read(scratch, 0, scratch.length);
        }
        return true;
    }
}
