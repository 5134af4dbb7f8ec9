package org.uwsgi4j.kernel.worker;

import java.util.function.BooleanSupplier;

/**
 * A request waiting for a worker core of a pool ({@link WorkerForward}). The core's thread
 * calls {@link #forward} with its channel; the job writes the request, answers the worker's
 * READs, and writes the response to its client as the frames arrive.
 */
interface Job {

    /** What became of a forwarded request. */
    enum Outcome {
        /** The worker answered (the response may still have failed on the client's side). */
        DONE,
        /** The worker died before any byte of the response was sent, and the request may be sent again. */
        RETRY,
        /** The worker died and the request was answered with an error (or its client was closed). */
        WORKER_DIED
    }

    /**
     * Serves the request on {@code channel}; must not throw. While {@code mayRetry} is false
     * (the core's worker was killed by harakiri: the request itself is the trouble) the job
     * never returns {@link Outcome#RETRY}.
     */
    Outcome forward(FrameChannel channel, BooleanSupplier mayRetry);

    /**
     * How a core serves a request (a {@link WorkerForward}) with its ahead slot.
     *
     * @param ahead     the core's ahead slot (docs/worker-protocol.md, "Requests written ahead"), or null
     * @param sentAhead the request was written into {@code ahead}'s FIFO and the worker took it:
     *                  it is in the worker already, only its response is to be read
     * @param sent      run once the request is in the worker, before its response is read (the core
     *                  writes its next request ahead there); not run when the worker failed first
     */
    record Turn(FrameChannel channel, BooleanSupplier mayRetry, Ahead ahead, boolean sentAhead, Runnable sent) {
    }

    /** {@link #forward(FrameChannel, BooleanSupplier)} with an ahead slot; a job that is never written ahead ignores it. */
    default Outcome forward(Turn turn) {
        return forward(turn.channel(), turn.mayRetry());
    }

    /**
     * The frames that carry this request to a worker (REQUEST with its inline body), for the
     * ahead FIFO: null when it may not go there (a body still to be read, a method that is not
     * idempotent (a worker that dies with it unread must leave it safe to send again), more than
     * {@code limit} bytes, or its client already went away).
     */
    default byte[] aheadFrames(int limit) {
        return null;
    }

    /**
     * Runs {@code write} (the next request written ahead of this one) unless this request's client
     * went away, atomically with the GONE that tells the worker of it: a GONE for this request is
     * then either written before (and {@code write} is not run: false) or after (and it reads the
     * request written ahead back out first, {@link Ahead#beforeGone}).
     */
    default boolean unlessGone(BooleanSupplier write) {
        return false;
    }

    /** Ends the request with a 502 without a worker (the pool is gone or failed). */
    void fail();

    /** Ends the request with a 503 without a worker: it waited longer than {@code --queue-timeout}. */
    void overloaded();

    /** The request for the harakiri log line: {@code 127.0.0.1 - GET /slow}. */
    String describe();

    /** Called by the core before {@link #forward}: which worker (id, pid) and core serve it. */
    void servedBy(int workerId, int coreId, long pid);

    /** After {@link #forward}: true when the application raised (an exception of the worker that served it). */
    boolean appError();

    /** After {@link #forward}: the response body bytes sent to the client. */
    long bodyBytes();
}
