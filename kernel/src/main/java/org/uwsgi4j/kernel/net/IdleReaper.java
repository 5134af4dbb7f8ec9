package org.uwsgi4j.kernel.net;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Enforces {@code --socket-timeout} on client reads: about once a second it closes every
 * connection whose pending read has waited longer than the timeout (a slow or silent client,
 * or an idle keep-alive connection), marking it timed out so that the connection logs why
 * when a request was under way. A connection busy in the application is not reading, so it is
 * never cut here.
 *
 * <p>In the same pass it starts the close watch ({@link ClientChannel#watchForClose}) of the
 * connections that have awaited their response for {@value #WATCH_AFTER_MS} ms or more, so a
 * client that goes away during a long response is noticed without any cost to quick ones.
 */
final class IdleReaper implements AutoCloseable {

    /** Responses awaited this long get a close watch. */
    static final long WATCH_AFTER_MS = 1000;

    private final Set<Watched> connections = ConcurrentHashMap.newKeySet();
    private final long timeoutNanos;
    private final Thread thread;

    /** A connection the reaper watches, with the address to name in the log. */
    record Watched(ClientChannel channel, String peer) {
    }

    IdleReaper(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        this.thread = Thread.ofPlatform().daemon().name("uwsgi4j-socket-timeout").start(this::loop);
    }

    Watched watch(ClientChannel channel, String peer) {
        Watched w = new Watched(channel, peer);
        connections.add(w);
        return w;
    }

    void forget(Watched w) {
        connections.remove(w);
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(Math.min(1000, Math.max(10, timeoutNanos / 4_000_000)));
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Watched w : connections) {
                long since = w.channel().readingSince();
                if (since != 0 && now - since > timeoutNanos) {
                    connections.remove(w);
                    w.channel().timeOut();
                }
                long awaiting = w.channel().awaitingSince();
                if (awaiting != 0 && now - awaiting >= WATCH_AFTER_MS * 1_000_000) {
                    w.channel().watchForClose();
                }
            }
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
