package org.uwsgi4j.kernel.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.uwsgi4j.kernel.os.ProcMemory;
import org.uwsgi4j.kernel.stats.WorkerStats;

/**
 * One worker process of a generation: uWSGI's worker id (from 1), its pid once it said HELLO,
 * its cores, its counters (what its cores served: requests, exceptions, bytes, time) and whether it is being retired (max-requests, reload, shutdown).
 */
final class Worker {

    /** CHEAPED: a slot with no process, stopped or never started by the cheaper mode. */
    enum State { SPAWNING, RUNNING, RETIRING, DEAD, CHEAPED }

    final int id;
    final Generation generation;
    final CoreLink[] cores;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong exceptions = new AtomicLong();
    /** Response body bytes its cores sent to clients. */
    final AtomicLong tx = new AtomicLong();
    final AtomicLong totalMicros = new AtomicLong();
    volatile long pid;
    volatile State state = State.SPAWNING;
    volatile long spawnedAtMillis;
    volatile long respawns;
    volatile boolean recycling;
    /** Being stopped by the cheaper mode: its exit leaves the slot cheaped instead of respawning it. */
    volatile boolean cheaping;
    /** Signals for it, taken by its first free core between requests ({@link SignalJob}). */
    final java.util.concurrent.ConcurrentLinkedQueue<Job> signals = new java.util.concurrent.ConcurrentLinkedQueue<>();

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

    /** True while one of its cores serves a request. */
    boolean busy() {
        for (CoreLink c : cores) {
            if (c != null && c.busy()) {
                return true;
            }
        }
        return false;
    }

    /** Its counters now; its memory from /proc when {@code readMemory}. */
    WorkerStats stats(boolean readMemory) {
        String status = switch (state) {
            case RUNNING -> busy() ? "busy" : "idle";
            case CHEAPED -> "cheap";
            default -> state.name().toLowerCase();
        };
        List<long[]> coreStats = new ArrayList<>();
        for (int i = 0; i < cores.length; i++) {
            CoreLink c = cores[i];
            coreStats.add(new long[] {i, c == null ? 0 : c.requests, c != null && c.busy() ? 1 : 0});
        }
        ProcMemory memory = readMemory ? ProcMemory.of(pid) : ProcMemory.NONE;
        return new WorkerStats(id, pid, status, requests.get(), exceptions.get(), tx.get(), respawns, spawnedAtMillis,
                totalMicros.get(), memory.rss(), memory.vsz(), coreStats);
    }

    int connectedCores() {
        int n = 0;
        for (CoreLink c : cores) {
            n += c == null ? 0 : 1;
        }
        return n;
    }
}
