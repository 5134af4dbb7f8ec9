package org.uwsgi4j.kernel.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An algorithm of uWSGI's cheaper mode ({@code --cheaper N}): once per master cycle (about a
 * second) it looks at a worker pool and says whether it needs more workers or fewer. The kernel
 * does the rest: it spawns cheaped workers (at most {@code --processes}), stops the oldest idle
 * ones gracefully (never below {@code --cheaper}), and logs what uWSGI logs.
 *
 * <p>Register it as an OSGi service with the property {@link #NAME} (a {@code String}); the
 * configuration picks one with {@code --cheaper-algo NAME} (default {@code spare}, which the
 * kernel provides). An algorithm registered while the server runs is used from the next cycle
 * on by the pools that asked for its name.
 */
public interface CheaperAlgorithm {

    /** Service property: the name {@code --cheaper-algo} uses. */
    String NAME = "uwsgi4j.cheaper.algo";

    /**
     * A decider for one worker pool. It may keep state between cycles (counters, history); the
     * kernel calls it only from the master thread, once per cycle, and makes a new one when the
     * pool's algorithm changes.
     */
    Decider newDecider();

    /** Decides for one pool; see {@link CheaperAlgorithm#newDecider()}. */
    @FunctionalInterface
    interface Decider {

        /**
         * @return {@code n > 0}: spawn up to {@code n} more workers (only when {@link Load#canSpawn()});
         *         {@code n < 0}: stop {@code -n} idle workers; {@code 0}: leave the pool as it is.
         *         The kernel clamps the answer to [{@code cheaper}, {@code processes}] workers.
         */
        int decide(Load load);

        /**
         * What the decider shows of itself, read by the kernel on the master thread right after
         * each {@link #decide}: the stats server's {@code cheaper} objects and
         * {@code uwsgi:workers}. None by default.
         */
        default Figures figures() {
            return Figures.NONE;
        }
    }

    /**
     * A decider's figures: named values of the pool ({@code avg_busyness}, {@code multiplier} …)
     * and of each worker by id ({@code busyness}); each value a {@code Long} or a {@code String},
     * in the order the maps iterate.
     */
    record Figures(Map<String, Object> pool, Map<Integer, Map<String, Object>> workers) {

        /** No figures. */
        public static final Figures NONE = new Figures(Map.of(), Map.of());

        public Figures {
            pool = Collections.unmodifiableMap(new LinkedHashMap<>(pool));
            workers = Collections.unmodifiableMap(new TreeMap<>(workers));
        }
    }

    /**
     * One active worker of the pool this cycle.
     *
     * @param id           its id (from 1)
     * @param pid          its process id (0 while it is still starting)
     * @param busy         whether one of its cores has a request in hand now
     * @param runningMicros microseconds its cores spent on requests they finished, since it was
     *                     spawned (uWSGI's {@code running_time}; the stats server's {@code running_time})
     */
    record WorkerLoad(int id, long pid, boolean busy, long runningMicros) {
    }

    /**
     * A pool as the master sees it this cycle.
     *
     * @param processes {@code --processes}: the most workers the pool may run
     * @param cheaper   {@code --cheaper}: the fewest workers it keeps running
     * @param step      {@code --cheaper-step}: how many workers to spawn at a time (default 1)
     * @param overload  {@code --cheaper-overload}: the algorithm's patience, in cycles (default 3)
     * @param active    workers spawned or running (not cheaped, not stopping)
     * @param busy      active workers with a request in hand
     * @param cheaped   workers not running because the cheaper stopped them or never started them
     * @param backlog   requests waiting for a free worker core
     * @param rss       total resident memory of the active workers in bytes (0 unless a
     *                  {@code --cheaper-rss-limit-*} option asks the master to read it)
     * @param canSpawn  false when spawning is not allowed now ({@code --cheaper-rss-limit-soft} reached)
     * @param nanos     the master's monotonic clock at this cycle ({@link System#nanoTime()} scale)
     * @param workers   the active workers, in id order
     */
    record Load(int processes, int cheaper, int step, int overload, int active, int busy, int cheaped,
                int backlog, long rss, boolean canSpawn, long nanos, List<WorkerLoad> workers) {

        public Load {
            workers = List.copyOf(workers);
        }

        /** A load without the clock and the workers (api 0.5's shape): nanos 0, no workers. */
        public Load(int processes, int cheaper, int step, int overload, int active, int busy, int cheaped,
                    int backlog, long rss, boolean canSpawn) {
            this(processes, cheaper, step, overload, active, busy, cheaped, backlog, rss, canSpawn, 0, List.of());
        }

        /** Active workers without a request in hand. */
        public int idle() {
            return active - busy;
        }
    }
}
