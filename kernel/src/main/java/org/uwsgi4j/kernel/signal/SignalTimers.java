package org.uwsgi4j.kernel.signal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.Signals;

/**
 * The signal timers ({@code uwsgi.add_timer}, {@code uwsgi.add_rb_timer}): each raises its
 * signal every period, on the monotonic clock, so a jump of the wall clock changes nothing.
 *
 * <ul>
 *   <li>No drift: the next tick is the previous tick plus the period, not the time the signal
 *       was raised plus the period.</li>
 *   <li>A master that could not look for a while (a stopped JVM) raises a late timer once and
 *       goes on at the next tick in the future, as a timerfd does.</li>
 *   <li>The same timer added again (same signal, period and iterations: a reloaded app adding
 *       its timers once more) is not added twice.</li>
 * </ul>
 *
 * A thread of its own ({@code uwsgi4j-timers}, from {@link #start}) sleeps to the next tick;
 * {@link #fireDue} is the decision, tested with a fake clock.
 */
final class SignalTimers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SignalTimers.class);

    private final LongSupplier nanos;
    private final IntConsumer raise;
    private final List<Timer> timers = new ArrayList<>();
    private Thread thread;
    private boolean closed;
    /** A timer was added since the thread computed its wait. */
    private boolean changed;

    SignalTimers(LongSupplier nanos, IntConsumer raise) {
        this.nanos = nanos;
        this.raise = raise;
    }

    /** Starts the thread that raises the signals (once). */
    synchronized void start() {
        if (thread == null && !closed) {
            thread = Thread.ofPlatform().daemon().name("uwsgi4j-timers").start(this::run);
        }
    }

    /** Adds a timer; its first tick is one period from now. */
    synchronized Signals.Source add(int signum, int seconds, int iterations) {
        long period = TimeUnit.SECONDS.toNanos(seconds);
        for (Timer t : timers) {
            if (t.signum == signum && t.period == period && t.iterations == iterations) {
                return () -> remove(t);
            }
        }
        Timer timer = new Timer(signum, period, iterations, nanos.getAsLong() + period);
        timers.add(timer);
        if (iterations > 0) {
            LOG.info("added timer for signal {} every {} second(s), {} time(s)", signum, seconds, iterations);
        } else {
            LOG.info("added timer for signal {} every {} second(s)", signum, seconds);
        }
        changed = true;
        notifyAll();
        return () -> remove(timer);
    }

    private synchronized void remove(Timer timer) {
        timers.remove(timer);
    }

    /**
     * Raises the signals of the timers due now (outside the lock) and returns the nanoseconds
     * to the next tick ({@link Long#MAX_VALUE} when no timer is left).
     */
    long fireDue() {
        List<Integer> due = new ArrayList<>();
        long wait = Long.MAX_VALUE;
        synchronized (this) {
            long now = nanos.getAsLong();
            for (var it = timers.iterator(); it.hasNext(); ) {
                Timer t = it.next();
                if (now - t.next >= 0) {
                    due.add(t.signum);
                    t.done++;
                    long late = now - t.next;
                    t.next += t.period * (1 + late / t.period);
                    if (t.iterations > 0 && t.done >= t.iterations) {
                        it.remove();
                        continue;
                    }
                }
                wait = Math.min(wait, t.next - now);
            }
        }
        due.forEach(raise::accept);
        return wait;
    }

    private void run() {
        while (true) {
            long wait = fireDue();
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (changed) {
                    changed = false;
                    continue;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, Math.min(wait, TimeUnit.SECONDS.toNanos(60))));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    private static final class Timer {
        final int signum;
        final long period;
        final int iterations;
        long next;
        int done;

        Timer(int signum, long period, int iterations, long next) {
            this.signum = signum;
            this.period = period;
            this.iterations = iterations;
            this.next = next;
        }
    }
}
