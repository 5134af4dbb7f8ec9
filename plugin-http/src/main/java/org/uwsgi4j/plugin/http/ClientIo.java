package org.uwsgi4j.plugin.http;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLSocket;

/**
 * A client connection's bytes, plain ({@code --http}) or TLS ({@code --https}): blocking reads
 * into heap buffers and whole writes. Closing it is how a deadline ends a blocked call.
 */
sealed interface ClientIo extends Closeable {

    /** Reads into {@code dst} (a heap buffer) at its position: the count, or -1 at the end. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes every byte of {@code srcs}. */
    void write(ByteBuffer... srcs) throws IOException;

    /** Whether the connection is still open. */
    boolean isOpen();

    /** A plain TCP or Unix connection: gathering writes on the channel. */
    record Plain(SocketChannel channel) implements ClientIo {
        @Override
        public int read(ByteBuffer dst) throws IOException {
            return channel.read(dst);
        }

        @Override
        public void write(ByteBuffer... srcs) throws IOException {
            ResponseRelay.writeFully(channel, srcs);
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** A TLS connection (JSSE) over the accepted socket; the handshake runs on the first read. */
    final class Tls implements ClientIo {
        private final SSLSocket socket;
        private final InputStream in;
        private final OutputStream out;

        Tls(SSLSocket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        SSLSocket socket() {
            return socket;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }

        @Override
        public void write(ByteBuffer... srcs) throws IOException {
            int total = 0;
            for (ByteBuffer b : srcs) {
                total += b.remaining();
            }
            byte[] all = new byte[total]; // one TLS record stream per write, not one per buffer
            int at = 0;
            for (ByteBuffer b : srcs) {
                int n = b.remaining();
                b.get(all, at, n);
                at += n;
            }
            out.write(all);
            out.flush();
        }

        @Override
        public boolean isOpen() {
            return !socket.isClosed();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
