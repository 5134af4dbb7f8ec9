package org.uwsgi4j.kernel.cheaper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.CheaperAlgorithm;

/**
 * The cheaper mode of one pool: once per cycle it asks the algorithm named by
 * {@code --cheaper-algo} (falling back to {@code spare}, as uWSGI does, while that name is not
 * registered) and clamps its answer to what the pool may do. Master thread only, except
 * {@link #algorithmInUse()}, {@link #lastDecision()} and {@link #figures()}, which any thread
 * may read (the stats server, the shell).
 */
public final class Cheaper {

    private static final Logger LOG = LoggerFactory.getLogger(Cheaper.class);
    private static final String FALLBACK = "spare";
    private static final long CYCLE_NANOS = 1_000_000_000L;

    private final CheaperSettings settings;
    private final CheaperAlgorithms algorithms;
    private CheaperAlgorithm inUse;
    private CheaperAlgorithm.Decider decider;
    private boolean fellBack;
    private long nextCycleNanos;
    private volatile String algorithmInUse = "";
    private volatile int lastDecision;
    private volatile CheaperAlgorithm.Figures figures = CheaperAlgorithm.Figures.NONE;

    /** A pool's cheaper mode, started at {@code startNanos}: its first cycle is a second later. */
    public Cheaper(CheaperSettings settings, CheaperAlgorithms algorithms, long startNanos) {
        this.settings = settings;
        this.algorithms = algorithms;
        this.nextCycleNanos = startNanos + CYCLE_NANOS;
    }

    /** Whether a cycle is due at {@code now}; when it is, the next one is a second later. */
    public boolean due(long now) {
        if (now - nextCycleNanos < 0) {
            return false;
        }
        nextCycleNanos = now + CYCLE_NANOS;
        return true;
    }

    /**
     * The algorithm's decision for {@code load}, clamped: never more than the cheaped workers
     * (and none when spawning is not allowed), never below {@code --cheaper} active workers.
     */
    public int decide(CheaperAlgorithm.Load load) {
        CheaperAlgorithm.Decider d = decider();
        if (d == null) {
            return 0;
        }
        int n = d.decide(load);
        figures = d.figures();
        if (n > 0) {
            n = load.canSpawn() ? Math.min(n, load.cheaped()) : 0;
        } else {
            n = -Math.min(-n, Math.max(0, load.active() - load.cheaper()));
        }
        lastDecision = n;
        return n;
    }

    /** The name of the algorithm that decided last ({@code spare} after a fallback); "" before the first cycle. */
    public String algorithmInUse() {
        return algorithmInUse;
    }

    /** What the last cycle did: workers spawned (&gt; 0), cheaped (&lt; 0), or 0. */
    public int lastDecision() {
        return lastDecision;
    }

    /** The figures the algorithm's decider showed after its last decision. */
    public CheaperAlgorithm.Figures figures() {
        return figures;
    }

    private CheaperAlgorithm.Decider decider() {
        var wanted = algorithms.named(settings.algorithm());
        if (wanted.isEmpty() && !fellBack) {
            fellBack = true;
            LOG.warn("unable to find requested cheaper algorithm, falling back to {}", FALLBACK);
        } else if (wanted.isPresent() && fellBack) {
            fellBack = false;
            LOG.info("cheaper algorithm {} registered: using it", settings.algorithm());
        }
        CheaperAlgorithm algorithm = wanted.or(() -> algorithms.named(FALLBACK)).orElse(null);
        if (algorithm != inUse) {
            inUse = algorithm;
            decider = algorithm == null ? null : algorithm.newDecider();
            algorithmInUse = algorithm == null ? "" : wanted.isPresent() ? settings.algorithm() : FALLBACK;
            figures = CheaperAlgorithm.Figures.NONE;
        }
        return decider;
    }
}
