package org.uwsgi4j.kernel.dispatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The requests of one {@link Target} waiting for a core, and the backpressure policy in front
 * of them (docs/sockets.md, "Overload"): nothing is refused because the queue is full; instead
 * whoever brings more work waits for its turn before taking it from the network.
 *
 * <pre>
 *  acceptor ───────awaitTurn(NEW)──┐  round-robin while the queue is full     ┌─▶ core: poll()
 *  kept-alive conn ─awaitTurn(KEPT)┴─▶ (one admitted per request a core takes) ─┤   [ FIFO queue, capacity = --listen ]
 *  connection ─────────────────────────────────────────────── add(request) ──▶ ┘   retries at its head (addFirst)
 * </pre>
 *
 * <ul>
 *   <li>{@link #add} never refuses and never blocks: the capacity is where the gate closes,
 *       not a hard bound (the requests of connections that passed the gate before it closed
 *       still come in, at most one per connection).</li>
 *   <li>{@link #awaitTurn} returns at once while the queue has room and nobody waits; else the
 *       caller waits in its lane. Each request a core takes admits one waiter, taking the
 *       lanes in turn (new connections, kept-alive connections), so neither starves: a new
 *       client waits about one queue length.</li>
 *   <li>With a {@code timeoutNanos} ({@code --queue-timeout}), a request that has waited
 *       longer is handed to the {@code shed} action (a 503) instead of to a core; checked when a
 *       core polls and on {@link #expire}.</li>
 * </ul>
 *
 * Thread-safe; time comes from {@code nanos} so the policy is tested with a fake clock.
 */
public final class RequestQueue<T> {

    /** Who waits for a turn: the first request of a new connection, or the next one of a kept-alive connection. */
    public enum Lane { NEW, KEPT }

    /** How long a lane waiter sleeps before it looks at the queue again (a waiter admitted by nobody is never stuck). */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<Entry<T>> queue = new ArrayDeque<>();
    private final List<ArrayDeque<Waiter>> lanes = List.of(new ArrayDeque<>(), new ArrayDeque<>());
    private final int capacity;
    private final long timeoutNanos;
    private final Consumer<? super T> shed;
    private final LongSupplier nanos;
    /** The lane admitted next when both wait. */
    private int turn;
    private long shedCount;

    /**
     * @param capacity      where the gate closes ({@code --listen}), at least 1
     * @param timeoutNanos  a request waiting longer is shed; 0: never
     * @param shed          what ends a shed request (outside the lock)
     * @param nanos         the clock ({@link System#nanoTime} in production)
     */
    public RequestQueue(int capacity, long timeoutNanos, Consumer<? super T> shed, LongSupplier nanos) {
        this.capacity = Math.max(1, capacity);
        this.timeoutNanos = timeoutNanos;
        this.shed = shed;
        this.nanos = nanos;
    }

    /** Queues {@code item} at the tail; never refuses, never blocks. */
    public void add(T item) {
        lock.lock();
        try {
            queue.addLast(new Entry<>(item, nanos.getAsLong()));
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Puts {@code item} back at the head (a request a core gave back, to be retried first). */
    public void addFirst(T item) {
        lock.lock();
        try {
            queue.addFirst(new Entry<>(item, nanos.getAsLong()));
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next request for a core, waiting up to {@code timeout}; null when none came. Taking
     * one admits one waiter of the lanes; expired requests are shed first.
     */
    public T poll(long timeout, TimeUnit unit) throws InterruptedException {
        long wait = unit.toNanos(timeout);
        List<T> expired = new ArrayList<>(0);
        T item = null;
        lock.lockInterruptibly();
        try {
            while (true) {
                collectExpired(expired);
                Entry<T> head = queue.pollFirst();
                if (head != null) {
                    item = head.item;
                    admitOne();
                    break;
                }
                if (wait <= 0) {
                    break;
                }
                wait = notEmpty.awaitNanos(wait);
            }
        } finally {
            lock.unlock();
        }
        expired.forEach(shed);
        return item;
    }

    /** Sheds the requests that waited longer than the timeout now (a periodic sweep; nothing without a timeout). */
    public void expire() {
        if (timeoutNanos <= 0) {
            return;
        }
        List<T> expired = new ArrayList<>(0);
        lock.lock();
        try {
            collectExpired(expired);
        } finally {
            lock.unlock();
        }
        expired.forEach(shed);
    }

    private void collectExpired(List<T> into) {
        if (timeoutNanos <= 0) {
            return;
        }
        long now = nanos.getAsLong();
        for (var it = queue.iterator(); it.hasNext(); ) {
            Entry<T> e = it.next();
            if (now - e.since > timeoutNanos) {
                it.remove();
                into.add(e.item);
                shedCount++;
                admitOne();
            }
        }
    }

    /**
     * Waits until the caller may take one more request from the network in {@code lane}: at
     * once while the queue has room and no one waits, else when a core taking a request admits
     * it (lanes in turn). A waiter also goes when it finds room on its own (nobody admitted it).
     */
    public void awaitTurn(Lane lane) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            if (queue.size() < capacity && lanes.get(0).isEmpty() && lanes.get(1).isEmpty()) {
                return;
            }
            Waiter me = new Waiter(lock.newCondition());
            lanes.get(lane.ordinal()).addLast(me);
            try {
                while (!me.admitted) {
                    me.condition.awaitNanos(RECHECK_NANOS);
                    if (!me.admitted && queue.size() < capacity) {
                        break; // room and no core to admit anyone: go
                    }
                }
            } finally {
                lanes.get(lane.ordinal()).remove(me);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Admits the longest waiter of the lane whose turn it is (or of the other, when that one is empty). */
    private void admitOne() {
        for (int i = 0; i < 2; i++) {
            ArrayDeque<Waiter> lane = lanes.get((turn + i) % 2);
            Waiter w = lane.pollFirst();
            if (w != null) {
                turn = (turn + i + 1) % 2;
                w.admitted = true;
                w.condition.signal();
                return;
            }
        }
    }

    /** Every queued request, removed (to fail them: the target stops). */
    public List<T> drain() {
        lock.lock();
        try {
            List<T> all = new ArrayList<>(queue.size());
            for (Entry<T> e; (e = queue.pollFirst()) != null; ) {
                all.add(e.item);
            }
            return all;
        } finally {
            lock.unlock();
        }
    }

    /** Requests waiting for a core now. */
    public int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Connections waiting for their turn to bring a request now (both lanes). */
    public int waiting() {
        lock.lock();
        try {
            return lanes.get(0).size() + lanes.get(1).size();
        } finally {
            lock.unlock();
        }
    }

    /** Where the gate closes ({@code --listen}). */
    public int capacity() {
        return capacity;
    }

    /** Requests shed because they waited longer than the timeout, since start. */
    public long shed() {
        lock.lock();
        try {
            return shedCount;
        } finally {
            lock.unlock();
        }
    }

    private record Entry<T>(T item, long since) {
    }

    private static final class Waiter {
        final Condition condition;
        boolean admitted;

        Waiter(Condition condition) {
            this.condition = condition;
        }
    }
}
