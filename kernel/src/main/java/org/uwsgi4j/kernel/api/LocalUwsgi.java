package org.uwsgi4j.kernel.api;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * This instance's first uwsgi socket without the socket, for a router in the same JVM (the
 * embedded {@code --http}, which uWSGI points at the instance's own uwsgi socket): a request
 * given as the packet and body it would send to that socket is served as the socket serves it
 * (the target of its modifier1, static files, the request log, {@code --add-header}), and its response comes back as the bytes the socket would
 * carry: a raw HTTP response that ends at the end of the stream. No connection, no accept, no
 * copy through the OS.
 */
public interface LocalUwsgi {

    /**
     * Serves one request: queues it for its target and returns at once, never waiting for a
     * core (the request waits in the target's queue, where the socket's backlog would have held
     * it; the caller's own deadline, closing the reply, ends the wait) or for the response.
     *
     * @param packet the uwsgi packet from its position to its limit: the 4-byte header and the
     *               vars block ({@link UwsgiVars#writePacket}); read at once
     * @param body   the request's {@code CONTENT_LENGTH} bytes, read by the serving thread and
     *               closed once the request is served (an empty stream when there is no body)
     * @return the response, to be read on the caller's thread; empty (at once at its end) when
     *         the packet is one the socket refuses, which is logged as the socket logs it
     */
    Reply serve(ByteBuffer packet, InputStream body);

    /**
     * One request's response, read with blocking reads until -1. {@link #close} before the
     * end is a client that went away (the serving worker is told, as when a socket's peer
     * closes; a close from another thread fails a blocked read with
     * {@link java.nio.channels.AsynchronousCloseException}); {@link #release} once the reader
     * has all of the response it wants tells nobody anything.
     */
    interface Reply extends ReadableByteChannel {

        /** The reader has the whole response it wants: the reply is closed without telling the server the client went away. */
        void release();
    }
}
