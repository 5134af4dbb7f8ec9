package org.uwsgi4j.plugin.http;

import java.io.Closeable;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The router's timeouts: blocking channels have none, so each connection keeps one deadline and
 * one platform thread closes, once a second, the channels of every connection past its own
 * (the connection's blocked read or write then fails, and it ends). Setting a deadline is a
 * volatile write: nothing is scheduled per request.
 *
 * <pre>
 *  connection: arm(timeout) ─▶ blocking read/write ─▶ arm(next) … disarm() / forget()
 *  sweeper:    every second, for each watched: now > deadline ? close its channels
 * </pre>
 */
final class Deadlines implements AutoCloseable {

    /** One connection's deadline and the channels to close when it passes. */
    static final class Watched {
        private volatile long deadline;
        private volatile Closeable client;
        private volatile Closeable backend;
        private volatile boolean expired;
        private volatile boolean backendOnly;

        /** The connection may wait {@code nanos} from now for its client before both its channels are closed. */
        void arm(long nanos) {
            expired = false;
            backendOnly = false;
            deadline = System.nanoTime() + nanos;
        }

        /**
         * The connection may wait {@code nanos} from now for its backend before the backend's
         * channel is closed (the client's stays, to be told 504).
         */
        void armBackend(long nanos) {
            expired = false;
            backendOnly = true;
            deadline = System.nanoTime() + nanos;
        }

        /** No deadline (the connection waits for nothing). */
        void disarm() {
            deadline = 0;
        }

        /** The client's channel, closed at the deadline. */
        void client(Closeable c) {
            client = c;
        }

        /** The current backend's channel (or null), closed at the deadline. */
        void backend(Closeable c) {
            backend = c;
        }

        /** Whether a deadline passed and closed the channels (a failed read was a timeout). */
        boolean expired() {
            return expired;
        }

        void expireIfDue(long now) {
            long d = deadline;
            if (d != 0 && now - d > 0) {
                // what to close is read before closing anything: the backend's close wakes the
                // connection, which may arm its next deadline (the client's) at once
                boolean onlyBackend = backendOnly;
                Closeable b = backend;
                Closeable c = client;
                expired = true;
                deadline = 0;
                quietly(b);
                if (!onlyBackend) {
                    quietly(c);
                }
            }
        }

        private static void quietly(Closeable c) {
            if (c != null) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // closing is all that is wanted
                }
            }
        }
    }

    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    private final Thread sweeper;
    private volatile boolean running = true;

    Deadlines() {
        sweeper = Thread.ofPlatform().daemon().name("uwsgi4j-http-deadlines").start(this::sweep);
    }

    /** Watches a new connection until {@link #forget}. */
    Watched watch() {
        Watched w = new Watched();
        watched.add(w);
        return w;
    }

    void forget(Watched w) {
        watched.remove(w);
    }

    /** Closes every watched connection's channels (the router stops). */
    void closeAll() {
        for (Watched w : watched) {
            w.deadline = 0;
            Watched.quietly(w.backend);
            Watched.quietly(w.client);
        }
    }

    private void sweep() {
        while (running) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Watched w : watched) {
                w.expireIfDue(now);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        sweeper.interrupt();
    }
}
