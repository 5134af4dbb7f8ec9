package org.uwsgi4j.kernel.dispatch;

/**
 * What serves the requests of one modifier1 (a slot of the {@link DispatchTable}): the in-JVM
 * runtimes' cores, a worker pool, or the "unavailable modifier" null object.
 */
public interface Target {

    /**
     * Takes {@code request}: queues it for a core, or ends it at once (a 502 when nothing can
     * serve it). False when its queue is full: the caller answers 503. Called on connection
     * threads; must not block.
     */
    boolean submit(ClientRequest request);

    /** Requests waiting for a core now (the stats' {@code listen_queue}). */
    int queued();

    /** How many requests can wait ({@code --listen}). */
    int capacity();
}
