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
