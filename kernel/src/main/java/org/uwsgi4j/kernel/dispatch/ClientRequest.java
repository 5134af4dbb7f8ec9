package org.uwsgi4j.kernel.dispatch;

import org.uwsgi4j.kernel.api.Request;
import org.uwsgi4j.kernel.protocol.RequestVars;

/**
 * A client's request handed to a {@link Target}: the runtime's {@link Request}, its response
 * writer, and how a target tells the connection what became of it. Implemented by the
 * connection side ({@code net}); a target serves it on its own threads and ends it exactly once
 * with {@link #done}, {@link #fail} or {@link #unavailable}.
 */
public interface ClientRequest extends Request {

    /** The request variables as parsed (their NUL-separated blob travels to worker processes). */
    RequestVars requestVars();

    /** Where the response goes. */
    ClientResponse response();

    /** Which worker (id from 1), core and process serve it; called before serving. */
    void servedBy(int worker, int core, long pid);

    /**
     * Asks to be told when the client goes away while the request waits or is served (the
     * connection's close watch, any thread); at once when it went away already.
     */
    void watchClient(ClientWatch watch);

    /**
     * Served: {@code broken} when the connection must not carry another request, {@code appError}
     * when the application raised, with the failed reads of the body and writes to the client.
     */
    void done(boolean broken, boolean appError, int readErrors, int writeErrors);

    /** Ends it without an answer from the application: a 502 on HTTP sockets, and the connection closes. */
    void fail();

    /**
     * Ends it because nothing serves its modifier1: a 502 on HTTP sockets (uwsgi sockets just
     * close, as uWSGI does); the connection may carry another request.
     */
    void unavailable();

    /**
     * Ends it with a 503 without serving it: it waited for a core longer than
     * {@code --queue-timeout} (on uwsgi sockets too: the answer is the server's, not a failure).
     */
    void overloaded();

    /**
     * Where the connection may wait for its next request once this one is served: the ready
     * set of the target that serves it (its idle cores read the connection's next request
     * themselves). Called before the request is served; without it the connection waits on its
     * own thread.
     */
    default void waitNextIn(ReadySet set) {
    }

    /** The request for log lines: {@code 127.0.0.1 - GET /slow}. */
    String describe();

    /** Told when the client goes away. */
    interface ClientWatch {
        /** The client closed its connection; any thread. */
        void clientClosed();
    }
}
