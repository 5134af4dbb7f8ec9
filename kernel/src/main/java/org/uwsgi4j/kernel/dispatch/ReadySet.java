package org.uwsgi4j.kernel.dispatch;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.os.ChannelFd;
import org.uwsgi4j.kernel.os.Epoll;

/**
 * Kept-alive client connections waiting for their next request, watched by the idle cores of
 * one target (leader/follower, as uWSGI's workers wait on their sockets): the core that is
 * free when a connection becomes readable reads, parses and serves its request itself, with no
 * hand-off to another thread (docs/architecture.md, "The request path"). An {@link Epoll}
 * instance holds the connections, one-shot, so each readiness goes to one core.
 *
 * <pre>
 *  response written ─▶ arm(conn) ─▶ [ epoll: conn… + eventfd ] ─▶ idle core: await() ─▶ conn.ready() on the core's thread
 *  queue.add ─▶ nudge() ─▶ eventfd ─▶ a waiting core looks at its queue
 *  timeout / end ─▶ forget(conn)          close() ─▶ every armed conn: release() (virtual thread)
 * </pre>
 *
 * <p>Ownership: an armed connection belongs to the set until exactly one of {@link #await}
 * (a readiness), {@link #forget} (its timeout or end) and {@link #close} takes it back; the
 * token map decides which. Tokens are never reused, so a registration that outlives its
 * connection (a descriptor shared with a child process for a moment) reports a token nobody
 * holds, and a reused descriptor number is registered afresh under a new token.
 *
 * <p>Where the JDK does not let the kernel reach socket descriptors ({@link ChannelFd}) or has
 * no epoll, the set is off: {@link #arm} returns false and connections wait on their virtual
 * threads as before.
 */
public final class ReadySet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadySet.class);

    /** A connection that waits in a set for its next request. */
    public interface Waiting {
        /** Its socket. */
        SelectableChannel socket();

        /**
         * Readable: on the core thread that took it, reads what is there and dispatches a
         * whole request (perhaps to that very core), or goes on on a virtual thread. Never blocks
         * on the client.
         */
        void ready();

        /** The set stops watching it (its target stopped): it goes on waiting on a virtual thread. */
        void release();
    }

    private final Epoll epoll;
    private final ChannelFd fds;
    /** Tokens of the connections registered in the epoll (armed or disarmed after a readiness). */
    private final Map<Waiting, Long> registered = new ConcurrentHashMap<>();
    /** The armed connections by token: whoever removes one owns it. */
    private final Map<Long, Waiting> armed = new ConcurrentHashMap<>();
    private final AtomicLong nextToken = new AtomicLong(Epoll.WAKE + 1);
    /** Cores in {@link #await} or about to be: only then does {@link #nudge} write the eventfd. */
    private final AtomicInteger waiters = new AtomicInteger();
    /** Calls into the epoll under way; the last one out after {@link #close} closes it. */
    private final AtomicInteger users = new AtomicInteger();
    private volatile boolean closed;

    private ReadySet(Epoll epoll, ChannelFd fds) {
        this.epoll = epoll;
        this.fds = fds;
        this.closed = epoll == null;
    }

    /** A set, off when this JVM cannot watch socket descriptors (see the class comment). */
    public static ReadySet open() {
        try (SocketChannel sample = SocketChannel.open()) {
            var fds = ChannelFd.forClassOf(sample);
            if (fds.isEmpty()) {
                LOG.debug("kept-alive connections wait on virtual threads: sun.nio.ch is not exported to the kernel");
                return new ReadySet(null, null);
            }
            return new ReadySet(Epoll.open(), fds.get());
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.debug("kept-alive connections wait on virtual threads: {}", e.toString());
            return new ReadySet(null, null);
        }
    }

    /** A set that is off: every connection waits on its own virtual thread. */
    public static ReadySet off() {
        return new ReadySet(null, null);
    }

    /** True while the set watches connections. */
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Watches {@code conn} for its next request; false when the set is off or closed, or the
     * socket cannot be watched (the caller then waits on a virtual thread). Called by the
     * connection's owner, which gives it up when this returns true.
     */
    public boolean arm(Waiting conn) {
        if (!enter()) {
            return false;
        }
        try {
            int fd = fds.of(conn.socket());
            if (fd < 0 || !conn.socket().isOpen()) {
                return false;
            }
            Long known = registered.get(conn);
            long token = known != null ? known : nextToken.getAndIncrement();
            armed.put(token, conn);
            try {
                if (known != null) {
                    epoll.rearm(fd, Epoll.IN | Epoll.ONESHOT, token);
                } else {
                    registered.put(conn, token);
                    try {
                        epoll.add(fd, Epoll.IN | Epoll.ONESHOT, token);
                    } catch (IOException stillThere) { // forgotten earlier but never closed: its registration stands, disarmed
                        epoll.rearm(fd, Epoll.IN | Epoll.ONESHOT, token);
                    }
                }
                return true;
            } catch (IOException e) {
                armed.remove(token);
                registered.remove(conn);
                LOG.debug("cannot watch a kept-alive connection: {}", e.getMessage());
                return false;
            }
        } finally {
            exit();
        }
    }

    /**
     * Stops watching {@code conn}; true when it was armed (it is the caller's now). Called when
     * the connection ends or times out, before its socket closes. The registration itself goes
     * with the socket's close (the kernel drops it then), so this is no system call; a
     * readiness reported meanwhile finds no armed connection for its token and is dropped.
     */
    public boolean forget(Waiting conn) {
        Long token = registered.remove(conn);
        return token != null && armed.remove(token) != null;
    }

    /** A core's native buffers for {@link #await}; one per core thread. */
    public Epoll.Events events() {
        return epoll == null ? null : epoll.events();
    }

    /** A core is about to wait (true) or done waiting (false): see {@link #nudge}. */
    public void waiting(boolean waiting) {
        waiters.addAndGet(waiting ? 1 : -1);
    }

    /**
     * On a core's thread: waits up to {@code timeoutMillis} for an armed connection to become
     * readable and returns it (it is the caller's now), or null on a timeout, a {@link #nudge},
     * or when the set is closed.
     */
    public Waiting await(Epoll.Events events, int timeoutMillis) {
        if (!enter()) {
            return null;
        }
        long token;
        try {
            token = epoll.await(events, timeoutMillis);
        } catch (IOException e) {
            LOG.warn("waiting for kept-alive connections failed: {}", e.getMessage());
            return null;
        } finally {
            exit();
        }
        return token <= Epoll.WAKE ? null : armed.remove(token);
    }

    /** Something else is there for the cores (a queued request): one waiting core returns from {@link #await}. */
    public void nudge() {
        if (waiters.get() > 0 && enter()) {
            try {
                epoll.wake();
            } finally {
                exit();
            }
        }
    }

    /**
     * Lets the idle cores accept on {@code listening} (non-blocking) as uWSGI's workers do:
     * the core that sees it readable accepts one connection, arms it again for the next one, and
     * runs {@code handler} with the connection on its own thread (it reads and serves the first
     * request there when it is whole). While every core is busy, new clients wait in the
     * socket's backlog. Ends with {@link Adoption#end} (before the socket closes), or when the
     * set closes; null when the set cannot watch the socket.
     */
    public Adoption adopt(ServerSocketChannel listening, Consumer<SocketChannel> handler) {
        return adopt(listening, handler, null);
    }

    /**
     * As {@link #adopt(ServerSocketChannel, Consumer)}; besides, while other connections are armed
     * in the set, the core that sees the socket readable accepts up to {@link #ACCEPT_BATCH}
     * pending connections at once and gives all but the first to {@code waiter}, which arms each
     * in this set (or starts it on a virtual thread): each new client then waits for its turn as
     * one connection among the others, in the order they became readable. Without it, the
     * listening socket is one entry among the kept-alive connections and the new clients behind
     * it share one turn per round of all of them (bench/README.md, session 12: ten clients that
     * connect for each request behind forty kept-alive ones were each served about 1/8 as often as
     * each kept-alive one). {@code waiter} null: one connection per readiness.
     */
    public Adoption adopt(ServerSocketChannel listening, Consumer<SocketChannel> handler, Consumer<SocketChannel> waiter) {
        Adoption a = new Adoption(listening, handler, waiter);
        return arm(a) ? a : null;
    }

    /** The most connections one core accepts for one readiness of a listening socket ({@link #adopt}). */
    public static final int ACCEPT_BATCH = 32;

    /** A listening socket whose connections the set's idle cores accept. */
    public final class Adoption implements Waiting {
        private final ServerSocketChannel listening;
        private final Consumer<SocketChannel> handler;
        /** Where the connections accepted beside the first go; null: none are. */
        private final Consumer<SocketChannel> waiter;
        private boolean ended;

        private Adoption(ServerSocketChannel listening, Consumer<SocketChannel> handler, Consumer<SocketChannel> waiter) {
            this.listening = listening;
            this.handler = handler;
            this.waiter = waiter;
        }

        @Override
        public SelectableChannel socket() {
            return listening;
        }

        /**
         * A core accepts one connection (and, while other connections wait in the set, the ones
         * pending behind it: see {@link #adopt(ServerSocketChannel, Consumer, Consumer)}), arms the
         * socket again, hands the others to the waiter, and serves the first.
         */
        @Override
        public void ready() {
            SocketChannel accepted = accept();
            List<SocketChannel> more = accepted == null || waiter == null || armed.isEmpty() ? List.of() : acceptMore();
            synchronized (this) {
                if (!ended && !arm(this)) {
                    ended = true; // the socket closed: its accepting thread takes over (or ends)
                    notifyAll();
                }
            }
            for (SocketChannel waiting : more) {
                waiter.accept(waiting);
            }
            if (accepted != null) {
                handler.accept(accepted);
            }
        }

        /** One pending connection, or null when there is none (or the accept failed: logged). */
        private SocketChannel accept() {
            try {
                return listening.accept();
            } catch (IOException e) {
                if (listening.isOpen()) {
                    LOG.warn("accept() failed: {}", e.getMessage());
                }
                return null;
            }
        }

        /** The connections pending behind the one just accepted, at most {@link #ACCEPT_BATCH} - 1. */
        private List<SocketChannel> acceptMore() {
            List<SocketChannel> more = new ArrayList<>();
            SocketChannel next;
            while (more.size() < ACCEPT_BATCH - 1 && (next = accept()) != null) {
                more.add(next);
            }
            return more;
        }

        /** The set closed: the socket's own accepting thread takes over (see {@link #awaitEnd}). */
        @Override
        public synchronized void release() {
            ended = true;
            notifyAll();
        }

        /**
         * Ends the adoption; called before the socket closes, so no core arms a descriptor that
         * is no longer this socket's. Idempotent.
         */
        public void end() {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
            forget(this);
        }

        /** Waits up to {@code millis} (0: not at all) for the adoption to end; true when it has ended. */
        public synchronized boolean awaitEnd(long millis) throws InterruptedException {
            if (!ended && millis > 0) {
                wait(millis);
            }
            return ended;
        }
    }

    /** Connections armed now (the stats' and tests' view). */
    public int armedCount() {
        return armed.size();
    }

    /**
     * Stops watching: every armed connection is released to its virtual thread, and the epoll
     * closes once no call is under way in it. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        users.incrementAndGet(); // this call is a user too: the epoll outlives it
        closed = true;
        try {
            releaseAll();
            epoll.wake(); // waiters return now rather than at their timeout
        } finally {
            exit();
        }
    }

    /**
     * Releases every armed connection to its own thread (the target cannot serve for now: its
     * app failed to load); the set stays open for the connections armed later.
     */
    public void releaseAll() {
        for (Waiting conn : List.copyOf(registered.keySet())) {
            Long token = registered.get(conn);
            if (token != null && armed.remove(token) != null) {
                registered.remove(conn);
                conn.release();
            }
        }
    }

    /** Enters a call into the epoll; false when the set is off or closed. */
    private boolean enter() {
        if (closed) {
            return false;
        }
        users.incrementAndGet();
        if (closed) {
            exit();
            return false;
        }
        return true;
    }

    /** The last call out of a closed set closes the epoll. */
    private void exit() {
        if (users.decrementAndGet() == 0 && closed && users.compareAndSet(0, Integer.MIN_VALUE)) {
            epoll.close();
        }
    }
}
