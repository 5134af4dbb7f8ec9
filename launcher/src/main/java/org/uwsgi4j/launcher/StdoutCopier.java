package org.uwsgi4j.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Copies everything that comes through a pipe to an output, through a {@link ThreadDumpFilter}:
 * a dump is swallowed and reported to {@code onDump}, the rest is written to {@code out} in
 * order. Runs until the pipe's end of file (every write end closed).
 *
 * <p>It never stops reading: when {@code out} fails (closed, a broken pipe), what comes next is
 * dropped, after one line on {@code System.err}. It only waits for the pipe and for {@code out}
 * (which blocks when whoever reads our stdout stops reading, as any write to it would).
 */
final class StdoutCopier implements Runnable {

    private static final int BUFFER = 64 * 1024;

    private final int in;
    private final OutputStream out;
    private final ThreadDumpFilter filter;
    private final CountDownLatch ended = new CountDownLatch(1);
    private boolean outFailed;

    StdoutCopier(int in, OutputStream out, Runnable onDump) {
        this.in = in;
        this.out = out;
        this.filter = new ThreadDumpFilter(this::write, onDump);
    }

    @Override
    public void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(BUFFER);
            MemorySegment state = Fds.callState(arena);
            MemorySegment pollfd = Fds.pollfd(arena);
            byte[] bytes = new byte[BUFFER];
            while (true) {
                if (!Fds.poll(in, Fds.POLLIN, timeoutMillis(), pollfd, state)) {
                    filter.tick(System.nanoTime());
                    continue;
                }
                int n = Fds.read(in, buffer, state);
                if (n == 0) {
                    break;
                }
                MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, bytes, 0, n);
                filter.feed(bytes, 0, n, System.nanoTime());
            }
            filter.finish();
        } catch (IOException | RuntimeException e) {
            System.err.println("uwsgi4j: stdout: the copier stopped: " + e.getMessage());
        } finally {
            ended.countDown();
        }
    }

    /** Waits at most {@code timeout} for the copy to reach the pipe's end of file; true when it has. */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private int timeoutMillis() {
        long deadline = filter.deadline();
        if (deadline == ThreadDumpFilter.NONE) {
            return -1;
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1;
        return (int) Math.clamp(left, 0, Integer.MAX_VALUE);
    }

    private void write(byte[] bytes, int off, int len) {
        if (outFailed) {
            return;
        }
        try {
            out.write(bytes, off, len);
        } catch (IOException e) {
            outFailed = true;
            System.err.println("uwsgi4j: stdout: " + e.getMessage() + ": what the JVM writes to stdout is dropped from now on");
        }
    }
}
