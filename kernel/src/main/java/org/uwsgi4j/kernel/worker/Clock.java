package org.uwsgi4j.kernel.worker;

/**
 * The time as the master reads it: a seam, so that its timers and decisions (respawn throttle,
 * harakiri, lifetime, mercy, cheaper cycles) are unit-tested with a clock the test moves.
 */
interface Clock {

    /** The system's clocks. */
    Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }
    };

    /** A monotonic time in nanoseconds, as {@link System#nanoTime()}: for deadlines and durations. */
    long nanoTime();

    /** The wall-clock time in milliseconds, as {@link System#currentTimeMillis()}: for spawn times. */
    long currentTimeMillis();
}
