package org.uwsgi4j.dist;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded continuous load for fault tests: {@code clients} virtual threads each doing GET
 * requests on a new connection, one after the other, until {@link #stop()}; every non-200 or
 * failed request is recorded.
 */
final class Load {

    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger ok = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> clients = new ArrayList<>();

    private Load(int port, int clients, String path) {
        for (int c = 0; c < clients; c++) {
            this.clients.add(Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    try {
                        var r = RawHttp.get(port, path);
                        if (r.status() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failures.add("status " + r.status());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
    }

    static Load start(int port, int clients, String path) {
        return new Load(port, clients, path);
    }

    /** Good (200) requests so far. */
    int ok() {
        return ok.get();
    }

    /** Waits (bounded) until {@code more} good requests have been answered since the call. */
    void awaitMore(int more) throws InterruptedException {
        int target = ok.get() + more;
        for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); ok.get() < target; ) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the load stalled at " + ok.get() + " requests");
            }
            Thread.sleep(10); // waiting for the clients' progress, bounded by the deadline
        }
    }

    /** Stops the clients, waits for them, and returns the failures seen. */
    List<String> stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : clients) {
            t.join();
        }
        return new ArrayList<>(failures);
    }
}
