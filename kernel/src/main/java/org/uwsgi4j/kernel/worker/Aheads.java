package org.uwsgi4j.kernel.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.uwsgi4j.kernel.os.AheadFifo;

/**
 * The ahead slots of one pool's cores ({@link Ahead}; docs/worker-protocol.md, "Requests written
 * ahead") and the rule of when a core writes a request ahead: only while every core is busy. A
 * core counts itself idle ({@link #idle}) before it looks for its next request, and looks first
 * for a request written ahead on another core ({@link #steal}); a core that writes one ahead
 * checks the count again after the write and takes its request back when a core turned idle
 * meanwhile. Either the idle core sees the request or the writer sees the idle core: a request
 * never waits behind another while a core is idle.
 *
 * <p>Threads: every method may be called from any core thread.
 */
final class Aheads {

    /** How the kernel's end of a FIFO is reached; empty when nothing is written ahead. */
    private final Optional<AheadFifo.Calls> fifos;
    /** Where a request taken back goes when nobody serves it at once (the pool's queue head). */
    private final Consumer<Job> giveBack;
    private final List<Ahead> serving = new CopyOnWriteArrayList<>();
    private final AtomicInteger idle = new AtomicInteger();

    /**
     * @param on       whether this pool writes ahead at all (it has a ready set: not with
     *                 {@code --queue-timeout} or a cheaper mode, whose measure is the queue)
     * @param giveBack where a request taken back out of a FIFO goes
     */
    Aheads(boolean on, Consumer<Job> giveBack) {
        this.fifos = on ? AheadFifo.Calls.link() : Optional.empty();
        this.giveBack = giveBack;
    }

    /**
     * The ahead slot of a core whose worker offered the FIFO {@code path}, or null: it offered
     * none, or this pool writes nothing ahead. The name is removed either way.
     */
    Ahead open(Path path) {
        if (fifos.isEmpty()) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // left in the runtime directory, which goes with the instance
            }
            return null;
        }
        return fifos.get().open(path).map(fifo -> new Ahead(fifo, giveBack)).orElse(null);
    }

    /** A core with {@code slot} serves from now on: idle cores may take back what it writes ahead. */
    void serving(Ahead slot) {
        serving.add(slot);
    }

    /** The core of {@code slot} stopped serving. */
    void stopped(Ahead slot) {
        serving.remove(slot);
    }

    /** A core is about to look for its next request (true) or has one, or none, now (false). */
    void idle(boolean idle) {
        this.idle.addAndGet(idle ? 1 : -1);
    }

    /** True while some core is idle or about to look for its next request. */
    boolean anyIdle() {
        return idle.get() > 0;
    }

    /** Whether the core of {@code slot} may write a request ahead now: every core busy, its FIFO empty. */
    boolean mayWrite(Ahead slot) {
        return idle.get() == 0 && !slot.hasPending();
    }

    /**
     * Writes {@code next} ahead into {@code slot} behind {@code inHand} (unless its client is gone);
     * a request that may not go ahead, or is taken back because a core turned idle meanwhile,
     * goes back to the pool.
     */
    void write(Ahead slot, Job inHand, Job next) {
        byte[] frames = next.aheadFrames(AheadFifo.ATOMIC);
        if (frames == null || !inHand.unlessGone(() -> slot.offer(next, frames, frames.length))) {
            giveBack.accept(next);
            return;
        }
        if (anyIdle()) { // a core turned idle meanwhile and may have looked before the offer
            Job back = slot.steal();
            if (back != null) {
                giveBack.accept(back);
            }
        }
    }

    /** A request written ahead on a busy core, taken back for an idle one; null when there is none. */
    Job steal() {
        for (Ahead a : serving) {
            if (a.hasPending()) {
                Job job = a.steal();
                if (job != null) {
                    return job;
                }
            }
        }
        return null;
    }
}
