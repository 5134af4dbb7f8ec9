package org.uwsgi4j.kernel.worker;

import java.util.function.Consumer;
import org.uwsgi4j.kernel.os.AheadFifo;

/**
 * A worker core's ahead slot (docs/worker-protocol.md, "Requests written ahead"): at most one
 * request written into the core's ahead FIFO while the core's request in hand is in the worker,
 * so that the worker finds its next request the moment it ends the current one instead of
 * sleeping until the core has relayed the response and fetched another.
 *
 * <pre>
 *  core (owner)  offer(Y)  ─▶ FIFO ─▶ the worker reads it once, right after X's END
 *                claim()   after X's END: TAKEN (the worker has Y: relay its frames next)
 *                                         RETURNED (read back out: send Y on the channel)
 *  idle core     steal()   reads Y back out and serves it on its own worker
 *  GONE for X    beforeGone(): reads Y back first, so that a GONE never reaches Y
 * </pre>
 *
 * <p>Whoever reads the FIFO first has the request: the worker's one read and the kernel's
 * read-back race, and a pipe gives a written request to exactly one reader. Every kernel-side
 * read happens under this object's lock with the pending job, so the job and the bytes always
 * go together: an empty read back means the worker has it.
 *
 * <p>Threads: {@link #offer} and {@link #claim} on the owning core's thread; {@link #steal}
 * on other cores' threads; {@link #beforeGone} on the thread that learns the client went away.
 */
final class Ahead implements AutoCloseable {

    /** Where the request written ahead went, as the owner finds it after the request in hand ended. */
    record Claim(Job job, boolean taken) {
    }

    private final AheadFifo fifo;
    /** Where a request read back goes when nobody serves it at once (the pool's queue head). */
    private final Consumer<Job> giveBack;
    /** Room for a read back (more than a request written ahead can take). */
    private final byte[] back = new byte[AheadFifo.ATOMIC + 1];
    /** The request in the FIFO, or whose bytes the worker took; guarded by this. */
    private Job pending;
    /** Whether {@link #pending} is set: read without the lock by idle cores looking for work. */
    private volatile boolean hasPending;

    Ahead(AheadFifo fifo, Consumer<Job> giveBack) {
        this.fifo = fifo;
        this.giveBack = giveBack;
    }

    /** True while a request written ahead waits here (a hint: {@link #steal} decides). */
    boolean hasPending() {
        return hasPending;
    }

    /**
     * Writes {@code job}'s frames ({@code frames[0, length)}) into the FIFO; false when a request
     * is already pending or the write failed (nothing was written then).
     */
    synchronized boolean offer(Job job, byte[] frames, int length) {
        if (pending != null || !fifo.write(frames, length)) {
            return false;
        }
        pending = job;
        hasPending = true;
        return true;
    }

    /**
     * After the request in hand ended (its END or ERROR read, or the worker died): the request
     * written ahead, and whether the worker took it; null when there is none (never written, or
     * another core stole it, or a GONE gave it back).
     */
    synchronized Claim claim() {
        Job job = pending;
        if (job == null) {
            return null;
        }
        clear();
        return new Claim(job, fifo.read(back) < 0);
    }

    /** An idle core takes the request back to serve it itself; null when there is none or the worker has it. */
    synchronized Job steal() {
        if (pending == null || fifo.read(back) < 0) {
            return null;
        }
        Job job = pending;
        clear();
        return job;
    }

    /**
     * About to write GONE for the request in hand: false when the worker has already taken the
     * request written ahead (it may then have ended the request in hand and started that one,
     * which a GONE would reach: it is not sent, and the request in hand runs to its end, its
     * output dropped). Otherwise true, with that request read back and given back to the pool.
     */
    boolean beforeGone() {
        Job back;
        synchronized (this) {
            if (pending == null) {
                return true;
            }
            if (fifo.read(this.back) < 0) {
                return false;
            }
            back = pending;
            clear();
        }
        giveBack.accept(back);
        return true;
    }

    private void clear() {
        pending = null;
        hasPending = false;
    }

    /** Closes the kernel's end; the owner has claimed what was pending. */
    @Override
    public synchronized void close() {
        fifo.close();
    }
}
