package org.uwsgi4j.kernel.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.uwsgi4j.kernel.api.LogSink;

/**
 * One output of the log with its own bounded queue and platform thread, so a slow or failing
 * output delays nobody but itself:
 *
 * <pre>
 *  offer(bytes) ─▶ [queue of at most N lines] ─▶ sink thread: write, write, …, flush
 *       │ full                                       │ IOException
 *       └─▶ dropped++                                └─▶ failed++, the first message reported
 *  the thread reports drops and failures through {@code report} once its queue is empty
 * </pre>
 *
 * Counters are readable from any thread ({@code uwsgi:loggers}).
 */
final class SinkQueue {

    private static final byte[] STOP = new byte[0];
    private static final int BATCH = 256;

    private final String name;
    private final LogSink sink;
    private final BlockingQueue<byte[]> queue;
    private final Consumer<String> report;
    private final Thread thread;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private long droppedReported;
    /** Failed lines already told of (the sink's thread only). */
    private long failedReported;
    /** The last write or flush failed: an outage already reported (the sink's thread only). */
    private boolean failing;

    /**
     * Starts the sink's thread.
     *
     * @param report where the thread sends its one-line reports (a server log line)
     */
    SinkQueue(String name, LogSink sink, int capacity, Consumer<String> report) {
        this.name = name;
        this.sink = sink;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.report = report;
        this.thread = Thread.ofPlatform().daemon().name("uwsgi4j-logger-" + name).start(this::run);
    }

    String name() {
        return name;
    }

    LogSink sink() {
        return sink;
    }

    /** Queues {@code bytes} for the sink, or counts them dropped when its queue is full; never blocks. */
    void offer(byte[] bytes) {
        if (queue.offer(bytes)) {
            queued.incrementAndGet();
        } else {
            dropped.incrementAndGet();
        }
    }

    /** Lines accepted into the queue, written, dropped (queue full) and lost (write failed). */
    Counts counts() {
        return new Counts(queued.get(), written.get(), dropped.get(), failed.get());
    }

    /** The sink's counters at one moment. */
    record Counts(long queued, long written, long dropped, long failed) {
    }

    /**
     * Lets the thread write what is queued (for up to {@code millis}), then closes the sink.
     * Lines offered afterwards are dropped.
     */
    void stop(long millis) {
        try {
            if (!queue.offer(STOP, millis, TimeUnit.MILLISECONDS)) {
                thread.interrupt();
            }
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }

    private void run() {
        List<byte[]> batch = new ArrayList<>(BATCH);
        try {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch, BATCH - 1);
                boolean stop = writeAll(batch);
                batch.clear();
                if (stop) {
                    break;
                }
                if (queue.isEmpty()) {
                    reportLosses(false);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            reportLosses(true);
            sink.close();
        }
    }

    private boolean writeAll(List<byte[]> batch) {
        boolean stop = false;
        for (byte[] line : batch) {
            if (line == STOP) {
                stop = true;
                break;
            }
            try {
                sink.write(line);
                written.incrementAndGet();
                failing = false;
            } catch (IOException | RuntimeException e) {
                lost("write", e);
            }
        }
        try {
            sink.flush();
        } catch (IOException | RuntimeException e) {
            lost("flush", e);
        }
        return stop;
    }

    /**
     * A line lost: the first failure of an outage (until a write succeeds again) is reported with
     * its reason, and counts as reported; the ones after it are counted by {@link #reportLosses}.
     */
    private void lost(String what, Exception e) {
        failed.incrementAndGet();
        if (!failing) {
            failing = true;
            failedReported++;
            report.accept("logger " + name + ": " + what + " failed: " + message(e));
        }
    }

    /**
     * Says how many lines were dropped since the last such line, and how many were lost to
     * failed writes once the outage ended (a write succeeded again) or the sink closes: during
     * an outage its first failure has said so, and the counts are in {@code uwsgi:loggers}.
     */
    private void reportLosses(boolean closing) {
        long d = dropped.get();
        if (d > droppedReported) {
            report.accept("*** logger " + name + " dropped " + (d - droppedReported) + " log lines: it is too slow ***");
            droppedReported = d;
        }
        long f = failed.get();
        if (f > failedReported && (!failing || closing)) {
            report.accept("*** logger " + name + " lost " + (f - failedReported) + " log lines: its writes failed ***");
            failedReported = f;
        }
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
