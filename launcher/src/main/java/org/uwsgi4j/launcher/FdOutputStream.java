package org.uwsgi4j.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * An output stream on a raw file descriptor (FFM {@code write(2)}), with a
 * {@code FileOutputStream}'s semantics: each write returns once every byte is written, waiting
 * when the descriptor is full, even a non-blocking one (it polls until it may write again).
 * Thread-safe; never closes the descriptor.
 */
final class FdOutputStream extends OutputStream {

    private static final int CHUNK = 64 * 1024;

    private final int fd;
    private final MemorySegment buffer;
    private final MemorySegment state;
    private final MemorySegment pollfd;

    FdOutputStream(int fd) {
        this.fd = fd;
        Arena arena = Arena.ofAuto();
        this.buffer = arena.allocate(CHUNK);
        this.state = Fds.callState(arena);
        this.pollfd = Fds.pollfd(arena);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, bytes.length);
        while (len > 0) {
            int chunk = Math.min(len, CHUNK);
            MemorySegment.copy(bytes, off, buffer, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, chunk);
            int done = 0;
            while (done < chunk) {
                int n = Fds.write(fd, buffer.asSlice(done), chunk - done, state);
                if (n == 0) {
                    Fds.poll(fd, Fds.POLLOUT, -1, pollfd, state);
                }
                done += n;
            }
            off += chunk;
            len -= chunk;
        }
    }
}
