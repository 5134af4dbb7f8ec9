package org.uwsgi4j.plugin.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A request body read whole before a backend is picked (the router's shield: a slow client
 * never holds a worker): in memory up to {@code --http-post-buffering} bytes, then in a temp
 * file deleted at once (only the open channel holds it). One per connection, reused with
 * {@link #clear()}.
 */
final class RequestBody extends OutputStream {

    private final long memoryLimit;
    private byte[] memory = new byte[0];
    private int inMemory;
    private FileChannel file;
    private long inFile;

    RequestBody(long memoryLimit) {
        this.memoryLimit = memoryLimit;
    }

    /** Forgets the body (the temp file, if any, is closed and gone). */
    void clear() throws IOException {
        inMemory = 0;
        inFile = 0;
        if (file != null) {
            file.close();
            file = null;
        }
        if (memory.length > 64 * 1024) {
            memory = new byte[0]; // a big body's array is not kept for the next request
        }
    }

    /** The body's length in bytes. */
    long length() {
        return inMemory + inFile;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (file == null && inMemory + (long) len <= memoryLimit) {
            if (inMemory + len > memory.length) {
                memory = Arrays.copyOf(memory, Math.max(inMemory + len, Math.min((int) memoryLimit, Math.max(8192, memory.length * 2))));
            }
            System.arraycopy(b, off, memory, inMemory, len);
            inMemory += len;
            return;
        }
        if (file == null) {
            Path tmp = Files.createTempFile("uwsgi4j-http-body", ".tmp");
            file = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
            Files.deleteIfExists(tmp);
        }
        ByteBuffer src = ByteBuffer.wrap(b, off, len);
        while (src.hasRemaining()) {
            inFile += file.write(src, inFile);
        }
    }

    /**
     * The body as a stream of its own: a copy of the bytes in memory, then the temp file's read
     * from its start. It stays readable while this body serves the next request (the copy), or
     * fails once {@link #clear} closed the file: a request left behind never reads the next one's.
     */
    InputStream open() {
        InputStream head = inMemory == 0 ? InputStream.nullInputStream() : new ByteArrayInputStream(Arrays.copyOf(memory, inMemory));
        if (file == null) {
            return head;
        }
        FileChannel f = file;
        long size = inFile;
        InputStream rest = new InputStream() {
            private long at;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (at >= size) {
                    return -1;
                }
                int n = f.read(ByteBuffer.wrap(b, off, (int) Math.min(len, size - at)), at);
                if (n > 0) {
                    at += n;
                }
                return n;
            }
        };
        return new SequenceInputStream(head, rest);
    }

    /** Writes {@code head} then the whole body to {@code out} (one gathering write when it is in memory). */
    void sendAfter(ByteBuffer head, java.nio.channels.GatheringByteChannel out) throws IOException {
        ByteBuffer mem = ByteBuffer.wrap(memory, 0, inMemory);
        ByteBuffer[] both = {head, mem};
        while (head.hasRemaining() || mem.hasRemaining()) {
            out.write(both);
        }
        long at = 0;
        while (at < inFile) {
            at += file.transferTo(at, inFile - at, (WritableByteChannel) out);
        }
    }
}
