package org.uwsgi4j.kernel.net;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.uwsgi4j.kernel.api.ListenQueueWatcher;

/**
 * What uWSGI's master checks once a cycle: the accept backlog of each listening TCP socket
 * ({@link ListenBacklog}). A socket whose backlog is full logs uWSGI's line, at most once a
 * second per socket, with the count:
 *
 * <pre>
 *  *** uWSGI listen queue of socket "127.0.0.1:8080" (fd: 7) full !!! (101/100) ***
 * </pre>
 *
 * and each check that finds one full counts a {@code listen_queue_errors}. Unix sockets have no
 * backlog figure the JVM can read: they report 0. {@link #sample} is called about once a second
 * by the server's ticker; time comes from {@code nanos} so the rate is tested with a fake clock.
 */
final class BacklogMonitor {

    private static final long LINE_INTERVAL = TimeUnit.SECONDS.toNanos(1);

    private final List<Watched> sockets = new ArrayList<>();
    private final ToLongFunction<ListenBacklog.Socket> source;
    private final LongSupplier nanos;
    private final Consumer<String> log;
    private final AtomicLong errors = new AtomicLong();
    private final List<ListenQueueWatcher> watchers = new CopyOnWriteArrayList<>();

    /**
     * @param source per socket: the connections waiting now ({@link ListenBacklog#queue} in production)
     * @param log    where the full-queue line goes
     */
    BacklogMonitor(ToLongFunction<ListenBacklog.Socket> source, LongSupplier nanos, Consumer<String> log) {
        this.source = source;
        this.nanos = nanos;
        this.log = log;
    }

    /**
     * Watches the socket {@code name} ({@code socket}: its descriptor and inode, or unknown) whose
     * backlog holds {@code max} connections.
     */
    synchronized void watch(String name, ListenBacklog.Socket socket, long max) {
        sockets.add(new Watched(name, socket, max));
    }

    /** Tells {@code watcher} of each full queue, with each line logged (after the line). */
    void onFull(ListenQueueWatcher watcher) {
        watchers.add(watcher);
    }

    /** Reads every socket's backlog now; logs and counts the full ones (see the class comment). */
    void sample() {
        long t = nanos.getAsLong();
        List<String> lines = new ArrayList<>();
        List<Runnable> told = new ArrayList<>();
        synchronized (this) {
            for (Watched w : sockets) {
                w.queue = source.applyAsLong(w.socket);
                if (w.queue > 0 && w.queue >= w.max) {
                    errors.incrementAndGet();
                    if (w.lastLine == 0 || t - w.lastLine >= LINE_INTERVAL) {
                        w.lastLine = t == 0 ? 1 : t;
                        lines.add("*** uWSGI listen queue of socket \"" + w.name + "\" (fd: " + w.socket.fd() + ") full !!! ("
                                + w.queue + "/" + w.max + ") ***");
                        String name = w.name;
                        int fd = w.socket.fd();
                        long queue = w.queue;
                        long max = w.max;
                        watchers.forEach(watcher -> told.add(() -> watcher.full(name, fd, queue, max)));
                    }
                }
            }
        }
        lines.forEach(log);
        told.forEach(Runnable::run);
    }

    /** The backlog of socket {@code index} (in watch order) now: connections waiting to be accepted. */
    long queue(int index) {
        Watched w;
        synchronized (this) {
            if (index >= sockets.size()) {
                return 0;
            }
            w = sockets.get(index);
        }
        return source.applyAsLong(w.socket);
    }

    /** The largest backlog of any socket now (uWSGI's {@code listen_queue}). */
    long largest() {
        List<ListenBacklog.Socket> watched;
        synchronized (this) {
            watched = sockets.stream().map(w -> w.socket).toList();
        }
        return watched.stream().mapToLong(source).max().orElse(0);
    }

    /** Checks that found a socket's backlog full, since start (uWSGI's {@code listen_queue_errors}). */
    long errors() {
        return errors.get();
    }

    private static final class Watched {
        final String name;
        final ListenBacklog.Socket socket;
        final long max;
        long queue;
        /** Nanotime of the last line, 0 before the first. */
        long lastLine;

        Watched(String name, ListenBacklog.Socket socket, long max) {
            this.name = name;
            this.socket = socket;
            this.max = max;
        }
    }
}
