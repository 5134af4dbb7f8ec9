package org.uwsgi4j.plugin.busyness;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.uwsgi4j.kernel.api.CheaperAlgorithm;

/**
 * uWSGI's busyness algorithm for one pool (plugins/cheaper_busyness), called once a master
 * cycle (about a second). Every {@code --cheaper-overload} seconds it measures each active
 * worker's busyness, the share of those seconds its cores spent on requests, and decides on
 * the average:
 *
 * <pre>
 *  avg &gt; max ─────────────▶ spawn --cheaper-step workers (respawned within multiplier×overload
 *                            seconds of the last cheap: multiplier += penalty; else multiplier−1)
 *  backlog &gt; alert ───────▶ spawn --cheaper-busyness-backlog-step emergency workers (also between checks)
 *  avg &lt; min ─────────────▶ an idle check: once the cheap timer (multiplier×overload s) ran out,
 *                            cheap one worker (never the last one, never below --cheaper)
 *  min ≤ avg ≤ max ────────▶ a non-idle check: the timer is pushed back by overload seconds,
 *                            from the third in a row on it starts again
 *  backlog &gt; 0 for backlog-nonzero seconds (between checks) ─▶ emergency workers
 * </pre>
 *
 * A worker that had a request in hand at some cycle but finished none during the check counts
 * as 100 % busy (its requests outlast the check). While emergency workers run the cheap timer
 * is overload×backlog-multiplier seconds. Time comes from {@link CheaperAlgorithm.Load#nanos()};
 * the log lines are uWSGI's, those of {@code --cheaper-busyness-verbose} only with it.
 * Master thread only.
 */
final class Busyness implements CheaperAlgorithm.Decider {

    private static final long SECOND = 1_000_000_000L;

    /** uWSGI's last_action. */
    enum Action { NONE, SPAWN, CHEAP }

    private final BusynessSettings settings;
    private final Consumer<String> log;
    private long multiplier;
    private boolean started;
    private long checkedAt;
    private long nextCheap;
    private boolean cheapedOnce;
    private long lastCheaped;
    private Action lastAction = Action.NONE;
    private long nonIdleChecks;
    private int emergencyWorkers;
    private boolean backlogNonzero;
    private long backlogSince;
    /** Per worker id: {pid, running micros} at the last check. */
    private final Map<Integer, long[]> lastValues = new HashMap<>();
    /** Per worker id: cycles since the last check in which it had a request in hand. */
    private final Map<Integer, Integer> wasBusy = new HashMap<>();
    private final Map<Integer, Long> busyness = new TreeMap<>();
    private long averageBusyness;
    private long now;

    /** @param log where the {@code [busyness]} lines go */
    Busyness(BusynessSettings settings, Consumer<String> log) {
        this.settings = settings;
        this.log = log;
        this.multiplier = settings.multiplier();
    }

    @Override
    public int decide(CheaperAlgorithm.Load load) {
        now = load.nanos();
        long overload = Math.max(1, load.overload());
        if (!started) {
            start(overload);
        }
        Set<Integer> ids = load.workers().stream().map(CheaperAlgorithm.WorkerLoad::id).collect(Collectors.toSet());
        wasBusy.keySet().retainAll(ids);
        for (CheaperAlgorithm.WorkerLoad w : load.workers()) {
            wasBusy.merge(w.id(), w.busy() ? 1 : 0, Integer::sum);
        }
        int active = load.workers().size();
        boolean canGrow = load.canSpawn() && load.backlog() > settings.backlogAlert() && active < load.processes();
        if (now - checkedAt >= overload * SECOND) {
            checkedAt = now;
            long avg = measure(load, overload);
            if (avg > settings.max()) {
                return overloaded(load, overload, avg, active);
            } else if (canGrow) {
                return emergency(load, overload);
            } else if (avg < settings.min()) {
                return idle(load, overload, avg, active);
            }
            nonIdle(overload, avg, active);
            return 0;
        } else if (canGrow) {
            return emergency(load, overload);
        }
        return watchBacklog(load, overload);
    }

    @Override
    public CheaperAlgorithm.Figures figures() {
        Map<String, Object> pool = new LinkedHashMap<>();
        pool.put("avg_busyness", averageBusyness);
        pool.put("busyness_min", settings.min());
        pool.put("busyness_max", settings.max());
        pool.put("multiplier", multiplier);
        pool.put("next_cheap", Math.max(0, (nextCheap - now + SECOND - 1) / SECOND));
        pool.put("non_idle_cycles", nonIdleChecks);
        pool.put("emergency_workers", (long) emergencyWorkers);
        pool.put("backlog_nonzero", backlogNonzero ? (now - backlogSince) / SECOND : 0L);
        pool.put("last_action", lastAction.name().toLowerCase());
        Map<Integer, Map<String, Object>> workers = new TreeMap<>();
        busyness.forEach((id, percent) -> workers.put(id, Map.of("busyness", percent)));
        return new CheaperAlgorithm.Figures(pool, workers);
    }

    /**
     * uWSGI's init: the settings lines, and the check and cheap timers started a cycle ago (uWSGI
     * starts them with the master; its first cycle, like the kernel's, comes a second later).
     */
    private void start(long overload) {
        started = true;
        log.accept("[busyness] settings: min=" + settings.min() + "%, max=" + settings.max() + "%, overload=" + overload
                + ", multiplier=" + multiplier + ", respawn penalty=" + settings.penalty());
        log.accept("[busyness] backlog alert is set to " + settings.backlogAlert() + " request(s), step is "
                + settings.backlogStep());
        log.accept("[busyness] backlog non-zero alert is set to " + settings.backlogNonzero() + " second(s)");
        checkedAt = now - SECOND;
        nextCheap = checkedAt + overload * multiplier * SECOND;
    }

    /** Each active worker's busyness over the last {@code overload} seconds; returns their average. */
    private long measure(CheaperAlgorithm.Load load, long overload) {
        long total = 0;
        int active = load.workers().size();
        long windowMicros = overload * 1_000_000L;
        for (CheaperAlgorithm.WorkerLoad w : load.workers()) {
            long[] last = lastValues.get(w.id());
            long since = last == null || last[0] != w.pid() ? 0 : last[1]; // a new process starts from 0
            long delta = Math.max(0, w.runningMicros() - since);
            long percent = delta * 100 / windowMicros;
            int busyCycles = wasBusy.getOrDefault(w.id(), 0);
            if (percent > 100) {
                percent = 100;
            } else if (delta == 0 && busyCycles > 0) {
                verbose("[busyness] worker " + w.id() + " was busy " + busyCycles + " time(s) in last cycle but no request"
                        + " was completed during this time, marking as 100% busy");
                percent = 100;
            }
            wasBusy.put(w.id(), 0);
            total += percent;
            busyness.put(w.id(), percent);
            lastValues.put(w.id(), new long[] {w.pid(), w.runningMicros()});
            if (active > 1) {
                verbose("[busyness] worker nr " + w.id() + " " + overload + "s average busyness is at " + percent + "%");
            }
        }
        Set<Integer> ids = wasBusy.keySet();
        lastValues.keySet().retainAll(ids);
        busyness.keySet().retainAll(ids);
        averageBusyness = active == 0 ? 0 : total / active;
        verbose("[busyness] " + overload + "s average busyness of " + active + " worker(s) is at " + averageBusyness + "%");
        return averageBusyness;
    }

    /** Above the maximum: spawn, and a penalty when the last cheap was too recent. */
    private int overloaded(CheaperAlgorithm.Load load, long overload, long avg, int active) {
        nonIdleChecks = 0;
        int spawn = load.canSpawn() ? Math.min(Math.max(1, load.step()), load.cheaped()) : 0;
        if (spawn == 0) {
            log.accept("[busyness] " + overload + "s average busyness is at " + avg + "% but we already started maximum"
                    + " number of workers available with current limits (" + active + ")");
            return 0;
        }
        lastAction = Action.SPAWN;
        if (cheapedOnce && (now - lastCheaped) / SECOND / overload <= multiplier) {
            multiplier += settings.penalty();
            log.accept("[busyness] worker(s) respawned to fast, increasing cheaper multiplier to " + multiplier
                    + " (+" + settings.penalty() + ")");
        } else {
            decreaseMultiplier();
        }
        setNextCheap(overload);
        log.accept("[busyness] " + overload + "s average busyness is at " + avg + "%, will spawn " + spawn + " new worker(s)");
        return spawn;
    }

    /** Below the minimum: cheap one worker once the timer ran out. */
    private int idle(CheaperAlgorithm.Load load, long overload, long avg, int active) {
        if (active == 1) {
            return 0; // nothing to weigh with one worker
        }
        nonIdleChecks = 0;
        if (active <= load.cheaper()) {
            return 0;
        }
        if (now - nextCheap < 0) {
            verbose("[busyness] need to wait " + (nextCheap - now) / SECOND + " more second(s) to cheap worker");
            return 0;
        }
        if (lastAction == Action.CHEAP) {
            decreaseMultiplier();
        }
        setNextCheap(overload);
        log.accept("[busyness] " + overload + "s average busyness is at " + avg + "%, cheap one of " + active + " running workers");
        cheapedOnce = true;
        lastCheaped = now;
        lastAction = Action.CHEAP;
        if (emergencyWorkers > 0) {
            emergencyWorkers--;
        }
        return -1;
    }

    /** Between the minimum and the maximum: the cheap timer waits longer, or starts again. */
    private void nonIdle(long overload, long avg, int active) {
        if (active == 1) {
            return;
        }
        if (emergencyWorkers > 0) {
            emergencyWorkers--;
        }
        nonIdleChecks++;
        if (nonIdleChecks >= 3) {
            verbose("[busyness] " + overload + "s average busyness is at " + avg + "%, " + nonIdleChecks
                    + " non-idle cycle(s), resetting cheaper timer");
            setNextCheap(overload);
        } else {
            verbose("[busyness] " + overload + "s average busyness is at " + avg + "%, " + nonIdleChecks
                    + " non-idle cycle(s), adjusting cheaper timer");
            nextCheap += overload * SECOND;
        }
    }

    /** Between checks: a backlog that stays non-empty for backlog-nonzero seconds spawns. */
    private int watchBacklogOrSpawn(CheaperAlgorithm.Load load, long overload) {
        if (!backlogNonzero) {
            verbose("[busyness] backlog is starting to fill (" + load.backlog() + ")");
            backlogNonzero = true;
            backlogSince = now;
            return 0;
        }
        long seconds = (now - backlogSince) / SECOND;
        if (load.canSpawn() && seconds >= settings.backlogNonzero()) {
            log.accept("[busyness] backlog was non-zero for " + seconds + " second(s), spawning new worker(s)");
            backlogSince = now;
            return emergency(load, overload);
        }
        return 0;
    }

    private int watchBacklog(CheaperAlgorithm.Load load, long overload) {
        if (load.backlog() > 0) {
            return watchBacklogOrSpawn(load, overload);
        }
        if (backlogNonzero) {
            verbose("[busyness] backlog is now empty");
            backlogNonzero = false;
        }
        return 0;
    }

    /** Emergency workers for a long backlog; the multiplier starts again from its initial value. */
    private int emergency(CheaperAlgorithm.Load load, long overload) {
        multiplier = settings.multiplier();
        lastAction = Action.SPAWN;
        int spawn = (int) Math.min(settings.backlogStep(), load.cheaped());
        setNextCheap(overload);
        if (spawn > 0) {
            emergencyWorkers += spawn;
            log.accept("[busyness] " + load.backlog() + " requests in listen queue, spawning " + spawn
                    + " emergency worker(s) (" + emergencyWorkers + ")!");
        } else {
            log.accept("[busyness] " + load.backlog() + " requests in listen queue but we are already started maximum"
                    + " number of workers (" + load.processes() + ")");
        }
        return spawn;
    }

    private void setNextCheap(long overload) {
        if (emergencyWorkers > 0) {
            verbose("[busyness] " + emergencyWorkers + " emergency worker(s) running, using "
                    + overload * settings.backlogMultiplier() + " seconds cheaper timer");
            nextCheap = now + overload * settings.backlogMultiplier() * SECOND;
        } else {
            nextCheap = now + overload * multiplier * SECOND;
        }
    }

    private void decreaseMultiplier() {
        if (multiplier > settings.multiplier()) {
            multiplier--;
            log.accept("[busyness] decreasing cheaper multiplier to " + multiplier);
        }
    }

    private void verbose(String line) {
        if (settings.verbose()) {
            log.accept(line);
        }
    }
}
