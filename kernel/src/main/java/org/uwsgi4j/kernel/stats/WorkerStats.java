package org.uwsgi4j.kernel.stats;

import java.util.List;
import java.util.Optional;

/**
 * What the stats server and the shell show of one worker process of a pool, read at one moment
 * from the worker's own counters.
 *
 * @param status     {@code idle}, {@code busy}, {@code cheap}, or the worker's state in lower case
 * @param tx         response body bytes it sent
 * @param rss        resident memory in bytes, 0 unless an option reads it (--memory-report …)
 * @param cores      per core: {id, requests, in request 0/1}
 */
public record WorkerStats(int id, long pid, String status, long requests, long exceptions, long tx, long respawns,
                          long spawnedAtMillis, long totalMicros, long rss, long vsz, List<long[]> cores) {

    /** The workers of one modifier1 (a worker pool), as the stats read them. */
    public interface Source {
        /** The modifier1 they serve. */
        int modifier1();

        /** The workers serving now. */
        List<WorkerStats> workers();

        /** Requests waiting for one of them now. */
        int queued();

        /** Their cheaper mode ({@code --cheaper}); empty without it. */
        default Optional<CheaperStats> cheaper() {
            return Optional.empty();
        }
    }
}
