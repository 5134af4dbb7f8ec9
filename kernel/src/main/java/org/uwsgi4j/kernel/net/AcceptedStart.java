package org.uwsgi4j.kernel.net;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.protocol.BadMessageException;

/**
 * How a connection just accepted starts, on the accepting thread, for either protocol: what
 * the socket holds already is read without waiting ({@link ClientChannel#fillNow}); a request
 * found whole there may be dispatched at once ({@link Steps#dispatchIfWhole}); else the
 * connection goes on on its own virtual thread, from where the reading stands.
 *
 * <pre>
 *  fillNow ─ bytes ─▶ dispatchIfWhole ─ true ─▶ done here (the serving core ends the request)
 *     │                    └─ false ─▶ virtual thread: serve(resume = true)
 *     └─ nothing ─▶ waitFirst: in the target's ready set | virtual thread: serve(resume = false)
 *  (readable, from a ready set: fill, one read that does not wait; end of stream ends it)
 *  bad request ─▶ refuse, end          failed read ─▶ end
 * </pre>
 */
final class AcceptedStart {

    private static final Logger LOG = LoggerFactory.getLogger(AcceptedStart.class);

    /** The protocol's part. */
    interface Steps {
        /** Parses what was read; true when the request was whole and has been dispatched. */
        boolean dispatchIfWhole() throws BadMessageException;

        /** Answers (or logs) a malformed request; the connection is then ended. */
        void refuse(BadMessageException e);

        /** Serves the connection on its virtual thread; {@code resume}: the parser holds what was read. */
        void serve(boolean resume);

        /** Closes the connection and stops watching it. */
        void end();

        /**
         * Nothing of the request is here yet: the connection may wait for its first bytes in its
         * target's ready set rather than on a virtual thread; true when it does.
         */
        default boolean waitFirst() {
            return false;
        }
    }

    private AcceptedStart() {
    }

    /** Runs the start of {@code steps}' connection on the calling (accepting) thread, which it never blocks. */
    static void run(ClientChannel client, String peer, Steps steps) {
        run(client, peer, steps, false);
    }

    /**
     * The same, for a connection its ready set found {@code readable}: one read, which does not
     * wait, and end of stream ends the connection here.
     */
    static void run(ClientChannel client, String peer, Steps steps, boolean readable) {
        boolean begun = false;
        try {
            if (readable) {
                if (!client.fill()) {
                    steps.end(); // the client closed between two requests
                    return;
                }
                begun = true;
                if (steps.dispatchIfWhole()) {
                    return;
                }
            } else if (client.fillNow()) {
                begun = true;
                if (steps.dispatchIfWhole()) {
                    return;
                }
            }
        } catch (IOException e) {
            LOG.debug("connection from {} ended: {}", peer, e.getMessage());
            steps.end();
            return;
        } catch (BadMessageException e) {
            steps.refuse(e);
            steps.end();
            return;
        }
        if (!begun && steps.waitFirst()) {
            return;
        }
        boolean resume = begun;
        Thread.ofVirtual().start(() -> steps.serve(resume));
    }
}
