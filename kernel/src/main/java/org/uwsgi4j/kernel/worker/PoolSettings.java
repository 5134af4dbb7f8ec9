package org.uwsgi4j.kernel.worker;

import java.time.Duration;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.cheaper.CheaperSettings;

/**
 * How a worker pool runs, from uWSGI's options.
 *
 * @param processes     {@code --processes}/{@code --workers}/{@code -p}: workers (default 1)
 * @param threads       {@code --threads}: cores per worker (default 1)
 * @param lazyApps      {@code --lazy-apps}: each worker loads the app itself instead of being forked
 * @param harakiri      {@code --harakiri}: a request running longer gets its worker killed (0: never)
 * @param maxRequests   {@code --max-requests}: a worker is recycled after this many requests (0: never)
 * @param maxLifetime   {@code --max-worker-lifetime}: a worker is recycled after this long (0: never)
 * @param reloadOnRss   {@code --reload-on-rss} MiB: a worker over it is recycled after its request (0: never)
 * @param evilReloadOnRss {@code --evil-reload-on-rss} MiB: a worker over it is killed at once (0: never)
 * @param workerMercy   {@code --worker-reload-mercy}: how long a stopping worker may take (default 60 s)
 * @param needApp       {@code --need-app}: an app that fails to load ends the instance (exit 22)
 * @param listen        {@code --listen}: requests that may wait for a free core before the server stops taking more
 * @param queueTimeout  {@code --queue-timeout}: a request waiting longer for a core gets a 503 (0: never)
 * @param harakiriVerbose {@code --harakiri-verbose}: log the worker's current syscall and wait channel on harakiri
 * @param env           {@code --env KEY=VALUE} and {@code --unenv KEY} in order: variables added to (a null value:
 *                      removed from) the environment of the workers and the attached daemons
 * @param chainReload   {@code --chain-reload}: with {@code --lazy-apps}, a reload replaces the workers one at a time
 * @param uid           {@code --uid}: the user the workers become before loading the app (name or number)
 * @param gid           {@code --gid}: the group the workers become before loading the app (name or number)
 * @param memoryReport  {@code --memory-report}: the workers' memory is read for the log and the stats
 * @param honourStdin   {@code --honour-stdin}: workers read the master's stdin instead of /dev/null
 * @param cheaper       {@code --cheaper} and friends: adaptive process spawning ({@link CheaperSettings#OFF} without it)
 * @param facts         the language-neutral facts every host gets in its environment ({@link HostEnvironment}):
 *                      the options, the master's pid, the start time, the version
 */
public record PoolSettings(int processes, int threads, boolean lazyApps, Duration harakiri, long maxRequests,
                           Duration maxLifetime, long reloadOnRss, long evilReloadOnRss, Duration workerMercy,
                           boolean needApp, int listen, Duration queueTimeout, boolean harakiriVerbose, java.util.Map<String, String> env,
                           boolean memoryReport, boolean honourStdin, boolean chainReload,
                           java.util.Optional<String> uid, java.util.Optional<String> gid,
                           CheaperSettings cheaper, java.util.Map<String, String> facts) {

    /**
     * The settings {@code options} ask for, on server {@code version}; every default is the option
     * table's. Built once by the kernel at start-up and published as a service for every pool.
     */
    public static PoolSettings fromOptions(Options options, String version) {
        int processes = Math.max(1, options.intValue("processes"));
        return new PoolSettings(
                processes,
                Math.max(1, options.intValue("threads")),
                options.isTrue("lazy-apps") || options.isTrue("lazy"),
                options.seconds("harakiri"),
                options.intValue("max-requests"),
                options.seconds("max-worker-lifetime"),
                options.intValue("reload-on-rss"),
                options.intValue("evil-reload-on-rss"),
                options.seconds("worker-reload-mercy"),
                options.isTrue("need-app"),
                options.intValue("listen"),
                options.seconds("queue-timeout"),
                options.isTrue("harakiri-verbose"),
                env(options),
                options.isTrue("memory-report"),
                options.isTrue("honour-stdin"),
                options.isTrue("chain-reload"),
                options.value("uid"),
                options.value("gid"),
                CheaperSettings.fromOptions(options, processes),
                HostEnvironment.of(options, version));
    }

    /** Whether any option needs the workers' memory (read from /proc only then). */
    public boolean readsMemory() {
        return memoryReport || reloadOnRss > 0 || evilReloadOnRss > 0;
    }

    /**
     * {@code --env NAME=VALUE} and {@code --unenv NAME} in their order (uWSGI sets and unsets
     * the master's environment as it reads them): NAME to its value, or to null when unset.
     */
    private static java.util.Map<String, String> env(Options options) {
        java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
        for (var entry : options.entries()) {
            String v = entry.getValue() == null ? "" : entry.getValue();
            if (entry.getKey().equals("env")) {
                int eq = v.indexOf('=');
                if (eq > 0) {
                    env.put(v.substring(0, eq), v.substring(eq + 1));
                }
            } else if (entry.getKey().equals("unenv") && !v.isBlank()) {
                env.put(v.strip(), null);
            }
        }
        return env;
    }
}
