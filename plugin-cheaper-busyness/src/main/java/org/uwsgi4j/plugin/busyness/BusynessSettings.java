package org.uwsgi4j.plugin.busyness;

import org.uwsgi4j.kernel.api.Options;

/**
 * The busyness algorithm's options, read once; the defaults are the option table's.
 *
 * @param max              {@code --cheaper-busyness-max}: above this average percent, spawn
 * @param min              {@code --cheaper-busyness-min}: below it, an idle cycle
 * @param multiplier       {@code --cheaper-busyness-multiplier}: idle cycles of {@code --cheaper-overload}
 *                         seconds before a worker is cheaped
 * @param penalty          {@code --cheaper-busyness-penalty}: added to the multiplier when a cheaped
 *                         worker had to come back within the multiplier's time
 * @param verbose          {@code --cheaper-busyness-verbose}
 * @param backlogAlert     {@code --cheaper-busyness-backlog-alert}: more requests waiting than this spawns
 *                         emergency workers at once
 * @param backlogMultiplier {@code --cheaper-busyness-backlog-multiplier}: the multiplier while emergency
 *                         workers run
 * @param backlogStep      {@code --cheaper-busyness-backlog-step}: emergency workers spawned at a time
 * @param backlogNonzero   {@code --cheaper-busyness-backlog-nonzero}: seconds of a non-empty backlog before
 *                         emergency workers are spawned
 */
record BusynessSettings(long max, long min, long multiplier, long penalty, boolean verbose, long backlogAlert,
                        long backlogMultiplier, long backlogStep, long backlogNonzero) {

    /**
     * The settings {@code options} ask for.
     *
     * @throws IllegalArgumentException one line naming the option, when a value is below 1 (uWSGI
     *         silently reads 0 as its default) or the minimum is above the maximum
     */
    static BusynessSettings from(Options options) {
        var s = new BusynessSettings(positive(options, "cheaper-busyness-max"), positive(options, "cheaper-busyness-min"),
                positive(options, "cheaper-busyness-multiplier"), positive(options, "cheaper-busyness-penalty"),
                options.isTrue("cheaper-busyness-verbose"), positive(options, "cheaper-busyness-backlog-alert"),
                positive(options, "cheaper-busyness-backlog-multiplier"), positive(options, "cheaper-busyness-backlog-step"),
                positive(options, "cheaper-busyness-backlog-nonzero"));
        if (s.min > s.max) {
            throw new IllegalArgumentException("--cheaper-busyness-min " + s.min + " is above --cheaper-busyness-max " + s.max);
        }
        return s;
    }

    private static long positive(Options options, String name) {
        long v = options.number(name);
        if (v < 1) {
            throw new IllegalArgumentException("--" + name + " " + v + ": must be 1 or more");
        }
        return v;
    }
}
