package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.uwsgi4j.kernel.protocol.BadMessageException;
import org.uwsgi4j.kernel.protocol.ChunkedDecoder;

/**
 * A chunked request body streamed to the runtime as it arrives ({@code --http-chunked-input}):
 * de-chunked, ending at the terminating chunk, never reading past it.
 */
final class ChunkedBodyInput extends InputStream {

    private final ClientChannel client;
    private final ChunkedDecoder decoder;
    private byte[] pending = new byte[8192];
    private int pendingStart;
    private int pendingEnd;

    ChunkedBodyInput(ClientChannel client, ChunkedDecoder decoder) {
        this.client = client;
        this.decoder = decoder;
        decoder.reset();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (pendingStart == pendingEnd) {
            if (decoder.isDone()) {
                return -1;
            }
            pendingStart = 0;
            pendingEnd = 0;
            if (!client.buffer().hasRemaining() && !client.fill()) {
                throw new IOException("client closed the connection inside a chunked body");
            }
            ByteBuffer in = client.buffer(); // after the fill, which may have replaced it
            try {
                decoder.decode(in, (src, offset, length) -> {
                    if (pendingEnd + length > pending.length) {
                        pending = java.util.Arrays.copyOf(pending, Math.max(pending.length * 2, pendingEnd + length));
                    }
                    src.get(offset, pending, pendingEnd, length);
                    pendingEnd += length;
                });
            } catch (BadMessageException e) {
                throw new IOException("malformed chunked body: " + e.reason(), e);
            }
        }
        int n = Math.min(len, pendingEnd - pendingStart);
        System.arraycopy(pending, pendingStart, b, off, n);
        pendingStart += n;
        return n;
    }

    /** Whether the whole body, terminating chunk included, has been read. */
    boolean isDone() {
        return decoder.isDone() && pendingStart == pendingEnd;
    }
}
