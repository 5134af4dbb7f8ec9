package org.uwsgi4j.dist;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A bounded continuous load for fault tests: virtual threads each doing GET requests one after
 * the other, until {@link #stop()}: {@code clients} on a new connection per request, and (with
 * {@link #start(int, int, int, String, java.util.function.Consumer)}) more on one kept-alive
 * connection each; every non-200 or failed request is recorded, every 200 handed to a consumer.
 */
final class Load {

    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger ok = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> clients = new ArrayList<>();

    private Load(int port, int clients, int keepAlive, String path, Consumer<RawHttp.Response> seen) {
        for (int c = 0; c < clients; c++) {
            this.clients.add(Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    try {
                        count(RawHttp.get(port, path), seen);
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        String request = "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
        for (int c = 0; c < keepAlive; c++) {
            this.clients.add(Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    try (var http = new RawHttp(port)) {
                        while (!stop.get()) {
                            var r = http.send(request).read();
                            count(r, seen);
                            if ("close".equalsIgnoreCase(r.headers().get("connection"))) {
                                break;
                            }
                        }
                    } catch (Exception e) {
                        failures.add("keep-alive: " + e);
                    }
                }
            }));
        }
    }

    private void count(RawHttp.Response r, Consumer<RawHttp.Response> seen) {
        if (r.status() == 200) {
            ok.incrementAndGet();
            seen.accept(r);
        } else {
            failures.add("status " + r.status());
        }
    }

    static Load start(int port, int clients, String path) {
        return new Load(port, clients, 0, path, r -> { });
    }

    /**
     * {@code clients} on a new connection per request and {@code keepAlive} on one connection
     * each (a new one only when the server said {@code Connection: close}); {@code seen} gets
     * every 200, on the clients' threads.
     */
    static Load start(int port, int clients, int keepAlive, String path, Consumer<RawHttp.Response> seen) {
        return new Load(port, clients, keepAlive, path, seen);
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
