package org.uwsgi4j.kernel.cheaper;

import org.uwsgi4j.kernel.api.Options;

/**
 * uWSGI's cheaper mode, from its options; {@link #enabled()} only with {@code --cheaper N > 0}.
 *
 * @param minimum   {@code --cheaper}: the fewest workers kept running
 * @param initial   {@code --cheaper-initial}: workers spawned at start (default: {@code --cheaper})
 * @param step      {@code --cheaper-step}: workers spawned at a time (default 1)
 * @param overload  {@code --cheaper-overload}: the algorithm's patience in cycles (default 3)
 * @param algorithm {@code --cheaper-algo}: the algorithm's name (default {@code spare})
 * @param rssSoft   {@code --cheaper-rss-limit-soft} bytes: no spawning while the workers' total RSS is over it (0: none)
 * @param rssHard   {@code --cheaper-rss-limit-hard} bytes: a worker is stopped while the total is over it (0: none)
 */
public record CheaperSettings(int minimum, int initial, int step, int overload, String algorithm,
                              long rssSoft, long rssHard) {

    /** Cheaper mode off. */
    public static final CheaperSettings OFF = new CheaperSettings(0, 0, 1, 3, "spare", 0, 0);

    /** The settings {@code options} ask for; defaults are the option table's ({@code --cheaper-initial}: {@code --cheaper}). */
    public static CheaperSettings fromOptions(Options options, int processes) {
        int minimum = (int) options.number("cheaper");
        if (minimum <= 0) {
            return OFF;
        }
        int initial = options.value("cheaper-initial").isPresent() ? (int) options.number("cheaper-initial") : minimum;
        return new CheaperSettings(minimum, Math.min(processes, Math.max(minimum, initial)),
                Math.max(1, (int) options.number("cheaper-step")),
                Math.max(1, (int) options.number("cheaper-overload")),
                options.value("cheaper-algo").map(String::strip).filter(s -> !s.isEmpty()).orElse(OFF.algorithm()),
                Math.max(0, options.number("cheaper-rss-limit-soft")),
                Math.max(0, options.number("cheaper-rss-limit-hard")));
    }

    public boolean enabled() {
        return minimum > 0;
    }

    /** Whether the master must read the workers' memory each cycle. */
    public boolean readsMemory() {
        return rssSoft > 0 || rssHard > 0;
    }

    /**
     * uWSGI's start-up checks of the rss limits, made with or without {@code --cheaper} (as
     * uWSGI makes them): a hard limit needs a soft one, below it. uWSGI also wants
     * {@code --memory-report} with a soft limit, only because it reads no memory without it; the
     * kernel reads the workers' memory for the limits itself (docs/master.md).
     *
     * @return the one-line error in uWSGI's words, or null when the limits are usable
     */
    public static String rssLimitsProblem(Options options) {
        long soft = options.number("cheaper-rss-limit-soft");
        long hard = options.number("cheaper-rss-limit-hard");
        if (hard > 0 && soft <= 0) {
            return "enabling cheaper-rss-limit-hard requires setting also cheaper-rss-limit-soft";
        }
        if (hard > 0 && hard <= soft) {
            return "cheaper-rss-limit-hard value must be higher than cheaper-rss-limit-soft value";
        }
        return null;
    }

    /**
     * uWSGI's start-up check: the cheaper minimum must leave room to grow.
     *
     * @return the one-line error, or null when the settings are usable
     */
    public String problem(int processes) {
        return enabled() && minimum >= processes ? "invalid cheaper value: must be lower than processes" : null;
    }
}
