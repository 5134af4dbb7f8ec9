package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A client connection's socket and its read buffer. The buffer is kept in "read mode"
 * (position = next unread byte, limit = end of data); {@link #fill()} compacts it and reads
 * more. The idle reaper closes the socket when a read waits longer than {@code --socket-timeout}.
 */
final class ClientChannel {

    private final SocketChannel socket;
    private final ByteBuffer buffer;
    private volatile long readingSince;
    private volatile boolean timedOut;

    ClientChannel(SocketChannel socket, int bufferSize) {
        this.socket = socket;
        this.buffer = ByteBuffer.allocate(bufferSize).flip();
    }

    SocketChannel socket() {
        return socket;
    }

    ByteBuffer buffer() {
        return buffer;
    }

    /** Reads more bytes into the buffer; false at end of stream. Blocks (virtual thread). */
    boolean fill() throws IOException {
        buffer.compact();
        try {
            readingSince = System.nanoTime();
            return socket.read(buffer) >= 0;
        } finally {
            readingSince = 0;
            buffer.flip();
        }
    }

    /** Nanotime since which a read has been waiting, or 0 when none is. */
    long readingSince() {
        return readingSince;
    }

    /** Closes the socket because a read waited too long (see {@link IdleReaper}). */
    void timeOut() {
        timedOut = true;
        close();
    }

    /** Whether the socket was closed by the socket timeout. */
    boolean timedOut() {
        return timedOut;
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
