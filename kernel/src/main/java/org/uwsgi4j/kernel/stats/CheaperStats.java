package org.uwsgi4j.kernel.stats;

import org.uwsgi4j.kernel.api.CheaperAlgorithm;

/**
 * A worker pool's cheaper mode as the stats server and {@code uwsgi:workers} show it
 * (docs/stats.md, "cheaper").
 *
 * @param algorithm the algorithm that decided last ({@code spare} after a fallback; "" before the first cycle)
 * @param decision  what its last cycle did: workers spawned (&gt; 0), cheaped (&lt; 0), or 0
 * @param figures   what the algorithm shows of itself (pool-wide and per worker)
 */
public record CheaperStats(String algorithm, int decision, CheaperAlgorithm.Figures figures) {
}
