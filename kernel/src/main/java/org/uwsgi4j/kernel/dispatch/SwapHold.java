package org.uwsgi4j.kernel.dispatch;

import java.util.ArrayList;
import java.util.List;

/**
 * The target of a slot whose runtime is going away (its bundle is updated, refreshed or
 * removed), for at most {@code --plugin-swap-grace}: instead of refusing the slot's requests it
 * holds them, in order of arrival, until the slot is decided ({@link DispatchTable#holdFor}):
 *
 * <pre>
 *  runtime goes ─▶ slot: SwapHold ──▶ a runtime binds within the grace ─▶ slot: its target; the held go to it
 *                                 └─▶ the grace passes first ───────────▶ slot: the null object; the held get
 *                                                                         "-- unavailable modifier requested: N --", 502
 * </pre>
 *
 * A request that looked the slot up just before it was decided still reaches the decided
 * target through {@link #submit}. It exists only while a swap is in progress: a slot without a
 * swap holds its target directly, so this costs nothing per request otherwise. A held request
 * takes no room in any queue: the connection that sent it waits for its answer, so there are
 * never more held requests than connections.
 */
final class SwapHold implements Target {

    /** The requests held, in order; guarded by this. */
    private List<ClientRequest> held = new ArrayList<>();
    /** Where the slot's requests go once decided; null while holding. Guarded by this. */
    private Target decided;

    @Override
    public void submit(ClientRequest request) {
        Target to;
        synchronized (this) {
            if (decided == null) {
                held.add(request);
                return;
            }
            to = decided;
        }
        to.submit(request);
    }

    /**
     * The slot is decided: every request held, and every later one, goes to {@code to}. Once;
     * returns how many requests were held.
     */
    int release(Target to) {
        List<ClientRequest> waiting;
        synchronized (this) {
            if (decided != null) {
                return 0;
            }
            decided = to;
            waiting = held;
            held = List.of();
        }
        for (ClientRequest request : waiting) {
            to.submit(request);
        }
        return waiting.size();
    }

    /** While holding, the network is read on: a held request waits in no queue. */
    @Override
    public void awaitTurn(RequestQueue.Lane lane) throws InterruptedException {
        Target to = decided();
        if (to != null) {
            to.awaitTurn(lane);
        }
    }

    @Override
    public synchronized int queued() {
        return decided == null ? held.size() : decided.queued();
    }

    @Override
    public int capacity() {
        Target to = decided();
        return to == null ? 0 : to.capacity();
    }

    /** The grace, not {@code --queue-timeout}, bounds how long a request is held. */
    @Override
    public void expire() {
        // nothing: the table ends the hold when the grace passes
    }

    private synchronized Target decided() {
        return decided;
    }
}
