package org.uwsgi4j.kernel.worker;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One worker process of a generation: uWSGI's worker id (from 1), its pid once it said HELLO,
 * its cores, its counters and whether it is being retired (max-requests, reload, shutdown).
 */
final class Worker {

    /** CHEAPED: a slot with no process, stopped or never started by the cheaper mode. */
    enum State { SPAWNING, RUNNING, RETIRING, DEAD, CHEAPED }

    final int id;
    final Generation generation;
    final CoreLink[] cores;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong exceptions = new AtomicLong();
    final AtomicLong totalMicros = new AtomicLong();
    volatile long pid;
    volatile State state = State.SPAWNING;
    volatile long spawnedAtMillis;
    volatile long respawns;
    volatile boolean recycling;
    /** Being stopped by the cheaper mode: its exit leaves the slot cheaped instead of respawning it. */
    volatile boolean cheaping;

    Worker(int id, Generation generation, int threads, long spawnedAtMillis) {
        this.id = id;
        this.generation = generation;
        this.cores = new CoreLink[threads];
        this.spawnedAtMillis = spawnedAtMillis;
    }

    /** Spawned or serving, and not on its way out: what the cheaper mode counts as active. */
    boolean active() {
        return state == State.SPAWNING || state == State.RUNNING;
    }

    boolean takesRequests() {
        return state == State.RUNNING;
    }

    int connectedCores() {
        int n = 0;
        for (CoreLink c : cores) {
            n += c == null ? 0 : 1;
        }
        return n;
    }
}
