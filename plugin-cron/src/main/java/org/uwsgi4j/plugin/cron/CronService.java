package org.uwsgi4j.plugin.cron;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.Legion;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.api.Signals;
import org.uwsgi4j.kernel.api.WallClock;

/**
 * The cron of this instance (docs/plugins/cron.md): the tasks of the options and those the
 * applications add ({@code uwsgi.add_cron}), run by one platform thread, {@code uwsgi4j-cron},
 * that looks at the {@link WallClock} once a second (the highest-ranked clock service: a test
 * bundle replaces the system's) and runs what the {@link Scheduler} finds due.
 *
 * <pre>
 *  every second: clock.now() ─▶ Scheduler.due ─▶ command: /bin/sh -c (CommandRun)
 *                                              ─▶ url: an HTTP GET (the JDK's client)
 *                                              ─▶ signal: Signals.raise
 *                ─▶ harakiri: a command past --cron-harakiri is killed
 * </pre>
 *
 * A bad task in the options refuses the start with one line ({@link IllegalArgumentException}
 * from {@link #activate}). Deactivated (the plugin stopped or uninstalled), nothing more runs;
 * commands already running finish on their own.
 */
@Component(immediate = true, service = CronService.class)
public final class CronService {

    private static final Logger LOG = LoggerFactory.getLogger(CronService.class);

    private final Scheduler scheduler = new Scheduler();
    private final Signals signals;
    private final File dir;
    /** {@code --env} and {@code --unenv} in their order: a name to its value, or to null when unset. */
    private final Map<String, String> env;
    private final Map<String, Legion> legions = new ConcurrentHashMap<>();
    /** Legions already reported missing (logged once each). */
    private final Set<String> missing = ConcurrentHashMap.newKeySet();
    private final HttpClient http;
    private final Thread thread;
    private volatile boolean running = true;
    /** The timers and file monitors of the options, removed when the plugin goes. */
    private final List<Signals.Source> sources;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile WallClock clock;

    @Activate
    public CronService(@Reference Options options, @Reference Signals signals) {
        this.signals = signals;
        this.dir = options.value("chdir").filter(s -> !s.isBlank()).map(File::new).orElse(null);
        this.env = environment(options);
        for (CronTask t : CronDefinitions.from(options)) {
            scheduler.add(t);
            if (t.legion() != null) {
                LOG.info("[uwsgi-cron] command \"{}\" registered as cron task for legion \"{}\"", t.action(), t.legion());
            } else {
                LOG.info("[uwsgi-cron] command \"{}\" registered as cron task", t.action());
            }
        }
        this.sources = CronDefinitions.signals(options, signals);
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(10)).build();
        this.thread = Thread.ofPlatform().daemon().name("uwsgi4j-cron").unstarted(this::loop);
    }

    @Activate
    void activate() {
        thread.start();
    }

    @Deactivate
    void deactivate() {
        running = false;
        thread.interrupt();
        sources.forEach(Signals.Source::close);
        http.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addLegion(Legion legion, Map<String, Object> props) {
        legions.put(String.valueOf(props.get(Legion.NAME)), legion);
    }

    void removeLegion(Legion legion, Map<String, Object> props) {
        legions.remove(String.valueOf(props.get(Legion.NAME)), legion);
    }

    /** {@code uwsgi.add_cron}: raise {@code signum} on {@code schedule}. */
    void addSignal(int signum, CronSchedule schedule) {
        scheduler.add(new CronTask(schedule, CronTask.Kind.SIGNAL, String.valueOf(signum), false, 0, null));
    }

    /** The tasks and their state, for the shell. */
    List<Scheduler.Slot> slots() {
        return scheduler.slots();
    }

    /** The clock in use. */
    WallClock clock() {
        return clock;
    }

    private void loop() {
        while (running) {
            WallClock c = clock;
            Instant now = c.now();
            try {
                for (Scheduler.Slot s : scheduler.due(now, c.zone(), this::ready)) {
                    run(s, now);
                }
                harakiri(now);
            } catch (RuntimeException e) {
                LOG.warn("[uwsgi-cron] {}", e.toString());
            }
            try {
                c.sleepUntil(now.plusSeconds(1));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** A unique task still running waits; a legion task runs only on the lord (no legion: logged once, never runs). */
    private boolean ready(Scheduler.Slot s) {
        CronTask t = s.task;
        if (t.unique() && s.running != null) {
            return false;
        }
        if (t.legion() != null) {
            Legion l = legions.get(t.legion());
            if (l == null) {
                if (missing.add(t.legion())) {
                    LOG.info("[uwsgi-cron] no legion \"{}\" exists (no legion plugin): its cron tasks do not run", t.legion());
                }
                return false;
            }
            return l.lord();
        }
        return true;
    }

    private void run(Scheduler.Slot s, Instant now) {
        CronTask t = s.task;
        s.lastStart = now;
        switch (t.kind()) {
            case SIGNAL -> {
                LOG.info("[uwsgi-cron] routing signal {}", t.action());
                signals.raise(Integer.parseInt(t.action()));
                s.lastResult = "signal raised";
            }
            case COMMAND -> {
                try {
                    s.running = CommandRun.start(t.action(), dir, env, now, result -> {
                        s.running = null;
                        s.lastResult = result;
                    });
                } catch (IOException e) {
                    LOG.warn("[uwsgi-cron] cannot run \"{}\": {}", t.action(), e.getMessage());
                    s.lastResult = "cannot run: " + e.getMessage();
                }
            }
            case CURL -> curl(s, now);
        }
    }

    private void curl(Scheduler.Slot s, Instant now) {
        String url = s.task.action();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build();
        } catch (IllegalArgumentException e) {
            LOG.warn("[uwsgi-curl-cron] invalid url {}: {}", url, e.getMessage());
            s.lastResult = "invalid url";
            return;
        }
        LOG.info("[uwsgi-curl-cron] requesting {}", url);
        CompletableFuture<HttpResponse<Void>> f = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        s.running = new Scheduler.Run() {
            @Override
            public Instant started() {
                return now;
            }

            @Override
            public void kill() {
                f.cancel(true);
            }
        };
        f.whenComplete((response, error) -> {
            s.running = null;
            if (error != null) {
                String why = error.getCause() != null ? error.getCause().toString() : error.toString();
                LOG.info("[uwsgi-curl-cron] request to {} failed: {}", url, why);
                s.lastResult = "failed: " + why;
            } else {
                LOG.info("[uwsgi-curl-cron] {} answered HTTP {}", url, response.statusCode());
                s.lastResult = "HTTP " + response.statusCode();
            }
        });
    }

    /** Kills a command past its harakiri (uWSGI's line); the task's run is over then. */
    private void harakiri(Instant now) {
        for (Scheduler.Slot s : scheduler.overdue(now)) {
            if (s.running instanceof CommandRun cmd) {
                LOG.info("*** HARAKIRI ON CRON \"{}\" (pid: {}) ***", s.task.action(), cmd.pid());
                cmd.kill();
                s.running = null;
            }
        }
    }

    /**
     * {@code --env NAME=VALUE} and {@code --unenv NAME} in their order, as uWSGI applies them to
     * the master's environment, which cron commands inherit: NAME to its value, or to null when unset.
     */
    private static Map<String, String> environment(Options options) {
        Map<String, String> env = new LinkedHashMap<>();
        for (var entry : options.entries()) {
            String v = entry.getValue() == null ? "" : entry.getValue();
            if (entry.getKey().equals("env") && v.indexOf('=') > 0) {
                env.put(v.substring(0, v.indexOf('=')), v.substring(v.indexOf('=') + 1));
            } else if (entry.getKey().equals("unenv") && !v.isBlank()) {
                env.put(v.strip(), null);
            }
        }
        return env;
    }
}
