package org.uwsgi4j.kernel.worker;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.protocol.FrameType;
import org.uwsgi4j.kernel.protocol.RequestVars;

/**
 * Whether the client of a forwarded request went away, and the one {@code GONE} frame that tells
 * its worker (docs/worker-protocol.md, "The client goes away"): a write to the client failed,
 * reading its body failed, or the connection's close watch saw it close. Each is logged once,
 * as uWSGI does: {@code uwsgi_response_write_body_do(): Broken pipe during GET /stream (127.0.0.1)}.
 *
 * <p><b>Threads</b>: {@link #clientClosed} comes from the close watch's thread, everything else
 * from the core's. Every write on the worker's channel while the request is in it synchronizes
 * on this object (the core's own writes too), and {@code GONE} is written only while the request
 * is in the worker: after its {@code REQUEST}, before its {@code END} or {@code ERROR}.
 */
final class GoneSignal {

    private static final Logger LOG = LoggerFactory.getLogger(GoneSignal.class);

    private final RequestVars vars;
    /** Nothing more can be written to the client: it went away (or a write failed). */
    private volatile boolean gone;
    /** The channel while the request is in the worker; guarded by this. */
    private FrameChannel inHand;
    /** The ahead slot of {@link #inHand}'s core, or null; guarded by this. */
    private Ahead ahead;
    /** Whether GONE was written to {@link #inHand}; guarded by this. */
    private boolean goneSent;
    /** The request was answered (not to be retried): the close watch comes too late; guarded by this. */
    private boolean finished;
    private int writeErrors;
    private int readErrors;

    GoneSignal(RequestVars vars) {
        this.vars = vars;
    }

    /** True once the client went away. */
    boolean gone() {
        return gone;
    }

    /** Failed writes to the client ({@code %(werr)}): 0 or 1, the first failure ends the writing. */
    int writeErrors() {
        return writeErrors;
    }

    /** Failed reads of the request body ({@code %(rerr)}): 0 or 1. */
    int readErrors() {
        return readErrors;
    }

    /**
     * The request was just written to {@code ch} (the caller holds this), or the worker took it
     * from the ahead FIFO: GONE may now go to it, at once when the client went away while the
     * request was queued. {@code ahead} is the core's ahead slot (or null): a GONE is written only
     * after the request written ahead behind this one was read back ({@link Ahead#beforeGone}).
     */
    void inWorker(FrameChannel ch, Ahead ahead) {
        inHand = ch;
        this.ahead = ahead;
        goneSent = false;
        if (gone) {
            tellWorker();
        }
    }

    /** END or ERROR was read: the request has left the worker, a GONE now would be stale. */
    synchronized void outOfWorker() {
        inHand = null;
    }

    /** The forwarding ended; {@code answered} unless it is to be retried (then a later close still counts). */
    synchronized void ended(boolean answered) {
        inHand = null;
        finished = answered;
    }

    /**
     * The client closed its connection while its request waited for a worker or was in one (the
     * connection's close watch, on its own thread): logged, and the worker is told with GONE.
     * Too late once the request was answered: then nothing happens.
     */
    synchronized void clientClosed() {
        if (finished || gone) {
            return;
        }
        gone = true;
        LOG.info("the client closed the connection during {}", during());
        tellWorker();
    }

    /** A write to the client failed: uWSGI's line (once), and GONE to the worker. */
    synchronized void writeFailed(String function, Exception e) {
        if (gone) {
            return;
        }
        gone = true;
        writeErrors++;
        LOG.info("{}: {} during {}", function, reason(e), during());
        tellWorker();
    }

    /** uWSGI's line for a body the client did not finish sending ({@code consumed} bytes of it), and GONE to the worker. */
    synchronized void bodyReadFailed(int wanted, long consumed, IOException e) {
        if (gone) {
            return;
        }
        gone = true;
        readErrors++;
        long length = vars.contentLength();
        LOG.info("[uwsgi-body-read] Error reading {} bytes. Content-Length: {} consumed: {} left: {} message: {}",
                wanted, length, consumed, Math.max(0, length - consumed), reason(e));
        tellWorker();
    }

    /** Writes GONE when the request is in the worker and it has not been told yet; holds this. */
    private void tellWorker() {
        if (inHand == null || goneSent) {
            return;
        }
        goneSent = true;
        if (ahead != null && !ahead.beforeGone()) {
            return; // the worker took the next request and may have started it: a GONE could reach that one
        }
        try {
            inHand.write(FrameType.GONE, 0);
        } catch (IOException e) {
            // the worker's channel failed: the core's next read sees it
        }
    }

    /** uWSGI's tail of a request error line: {@code GET /path (127.0.0.1)}. */
    private String during() {
        return vars.get("REQUEST_METHOD") + " " + vars.get("REQUEST_URI") + " (" + vars.get("REMOTE_ADDR") + ")";
    }

    /** The system's words for a failed write ({@code Broken pipe}), as uWSGI's strerror. */
    private static String reason(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
