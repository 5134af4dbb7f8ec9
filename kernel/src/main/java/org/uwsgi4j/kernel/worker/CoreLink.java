package org.uwsgi4j.kernel.worker;

/**
 * One core of one worker: its channel and what it is doing. Written by the core's own
 * thread, read by the master (harakiri) and the stats server.
 */
final class CoreLink {

    final int id;
    final FrameChannel channel;
    volatile long busySinceNanos;
    volatile long requests;
    /**
     * The master killed the worker for the request in hand (a harakiri, an evil reload on RSS
     * while it was busy, a request that outlasted --worker-reload-mercy): that request is the
     * trouble, so it is never retried on another worker.
     */
    volatile boolean killedForItsRequest;
    volatile Job job;
    /** The core's ahead slot (docs/worker-protocol.md, "Requests written ahead"), or null. */
    final Ahead ahead;

    CoreLink(int id, FrameChannel channel, Ahead ahead) {
        this.id = id;
        this.channel = channel;
        this.ahead = ahead;
    }

    /** Closes the channel and the ahead FIFO of a core that will not serve. */
    void close() {
        channel.close();
        if (ahead != null) {
            ahead.close();
        }
    }

    boolean busy() {
        return busySinceNanos != 0;
    }
}
