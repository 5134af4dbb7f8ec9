package org.uwsgi4j.kernel.net;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request body read whole before dispatch ({@code --post-buffering}, and chunked bodies):
 * in memory up to a threshold, then in a temp file that is deleted once the body is closed.
 * Its {@link #length()} becomes the request's CONTENT_LENGTH.
 */
final class BodySpool {

    private static final Logger LOG = LoggerFactory.getLogger(BodySpool.class);
    private final long memoryLimit;
    private final long warnBytes;
    private byte[] memory = new byte[1024];
    private long length;
    private Path file;
    private OutputStream fileOut;
    private boolean warned;

    /** Keeps up to {@code memoryLimit} bytes in memory; logs once past {@code warnBytes}. */
    BodySpool(long memoryLimit, long warnBytes) {
        this.memoryLimit = memoryLimit;
        this.warnBytes = warnBytes;
    }

    /**
     * Reads the next {@code length} body bytes of {@code client} whole into a new spool (memory
     * up to {@code memoryLimit}, a temp file above); the spool is discarded if reading fails.
     */
    static BodySpool readWhole(ClientChannel client, long length, long memoryLimit, long warnBytes) throws IOException {
        var spool = new BodySpool(memoryLimit, warnBytes);
        try {
            var input = new BodyInput(client, length);
            byte[] chunk = new byte[16 * 1024];
            for (int n; (n = input.read(chunk, 0, chunk.length)) > 0; ) {
                spool.write(chunk, 0, n);
            }
            return spool;
        } catch (IOException | RuntimeException e) {
            spool.discard();
            throw e;
        }
    }

    void write(byte[] src, int off, int len) throws IOException {
        if (fileOut == null && length + len > memoryLimit) {
            file = Files.createTempFile("uwsgi4j-body-", ".tmp");
            fileOut = Files.newOutputStream(file, StandardOpenOption.WRITE);
            fileOut.write(memory, 0, (int) length);
            memory = null;
        }
        if (fileOut != null) {
            fileOut.write(src, off, len);
        } else {
            if (length + len > memory.length) {
                memory = Arrays.copyOf(memory, (int) Math.min(memoryLimit, Math.max(memory.length * 2L, length + len)));
            }
            System.arraycopy(src, off, memory, (int) length, len);
        }
        length += len;
        if (!warned && length > warnBytes) {
            warned = true;
            LOG.warn("[uwsgi-body-read] buffering a request body larger than {} MiB", warnBytes >> 20);
        }
    }

    /** Takes {@code length} bytes of {@code src} from absolute index {@code offset} (a {@link org.uwsgi4j.kernel.protocol.ChunkedDecoder.Sink}). */
    void write(java.nio.ByteBuffer src, int offset, int length) throws IOException {
        if (src.hasArray()) {
            write(src.array(), src.arrayOffset() + offset, length);
        } else {
            byte[] copy = new byte[length];
            src.get(offset, copy, 0, length);
            write(copy, 0, length);
        }
    }

    long length() {
        return length;
    }

    /** The buffered body; the temp file, if any, is deleted when the stream is closed. */
    InputStream open() throws IOException {
        if (fileOut == null) {
            return new ByteArrayInputStream(memory, 0, (int) length);
        }
        fileOut.close();
        Path f = file;
        return new java.io.FilterInputStream(Files.newInputStream(f)) {
            @Override
            public void close() throws IOException {
                super.close();
                Files.deleteIfExists(f);
            }
        };
    }

    /** Deletes the temp file without opening it (the request was not dispatched). */
    void discard() {
        try {
            if (fileOut != null) {
                fileOut.close();
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete the body spool {}: {}", file, e.getMessage());
        }
    }
}
