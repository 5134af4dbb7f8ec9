package org.uwsgi4j.kernel.dispatch;

/**
 * What serves the requests of one modifier1 (a slot of the {@link DispatchTable}): the in-JVM
 * runtimes' cores, a worker pool, or the "unavailable modifier" null object. A target that
 * queues requests does it in a {@link RequestQueue}, which holds the overload policy.
 */
public interface Target {

    /**
     * Takes {@code request}: queues it for a core, or ends it at once (a 502 when nothing can
     * serve it). Never refuses because the queue is full and never blocks; called on
     * connection threads and on the accepting thread.
     */
    void submit(ClientRequest request);

    /**
     * Waits until the caller may take one more request from the network: at once while the
     * queue has room, else for its turn in {@code lane} ({@link RequestQueue#awaitTurn}).
     * Called by the accepting thread before it accepts and by a kept-alive connection before
     * it reads on; a target without a queue returns at once.
     */
    void awaitTurn(RequestQueue.Lane lane) throws InterruptedException;

    /** Requests waiting for a core now (the stats' {@code request_queue}). */
    int queued();

    /** How many requests may wait before the gate closes ({@code --listen}). */
    int capacity();

    /** Sheds the requests that waited longer than {@code --queue-timeout} (a periodic sweep). */
    void expire();

    /**
     * The ready set whose idle cores read connections themselves ({@link ReadySet}), or null
     * when the target has none (its requests come through {@link #submit} only).
     */
    default ReadySet readySet() {
        return null;
    }
}
