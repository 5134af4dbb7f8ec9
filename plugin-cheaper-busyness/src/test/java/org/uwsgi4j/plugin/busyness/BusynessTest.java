package org.uwsgi4j.plugin.busyness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.api.CheaperAlgorithm;

/**
 * Each rule of uWSGI's busyness algorithm on a fake clock with a scripted load: the rig runs
 * master cycles a second apart, and the script says, per cycle, how long each worker spent on
 * requests it finished and whether it has one in hand.
 */
class BusynessTest {

    /** A pool of {@code processes} slots on a fake clock; {@link #cycle} runs one master cycle. */
    private static final class Rig {
        final List<String> log = new ArrayList<>();
        final Busyness busyness;
        final int processes;
        final int cheaper;
        final int step;
        final int overload;
        long nanos = 1_000_000_000_000L;
        /** Per slot (index = id − 1): running micros, pid (0: cheaped), busy now. */
        final long[] running;
        final long[] pids;
        final boolean[] busy;
        int backlog;
        boolean canSpawn = true;

        Rig(BusynessSettings settings, int processes, int cheaper, int step, int overload, int active) {
            this.busyness = new Busyness(settings, log::add);
            this.processes = processes;
            this.cheaper = cheaper;
            this.step = step;
            this.overload = overload;
            this.running = new long[processes];
            this.pids = new long[processes];
            this.busy = new boolean[processes];
            for (int i = 0; i < active; i++) {
                pids[i] = 100 + i;
            }
        }

        /** One cycle a second after the last, each active worker busy {@code percent} of it; applies the answer. */
        int cycle(int percent) {
            for (int i = 0; i < processes; i++) {
                running[i] += pids[i] != 0 ? percent * 10_000L : 0;
            }
            return cycle();
        }

        /** One cycle a second after the last, with the counters as they are; applies the answer. */
        int cycle() {
            nanos += 1_000_000_000L;
            List<CheaperAlgorithm.WorkerLoad> workers = new ArrayList<>();
            int cheaped = 0;
            int busyCount = 0;
            for (int i = 0; i < processes; i++) {
                if (pids[i] != 0) {
                    workers.add(new CheaperAlgorithm.WorkerLoad(i + 1, pids[i], busy[i], running[i]));
                    busyCount += busy[i] ? 1 : 0;
                } else {
                    cheaped++;
                }
            }
            int n = busyness.decide(new CheaperAlgorithm.Load(processes, cheaper, step, overload, workers.size(), busyCount,
                    cheaped, backlog, 0, canSpawn, nanos, workers));
            for (int i = 0; i < processes && n > 0; i++) {
                if (pids[i] == 0) {
                    pids[i] = 1000 + i + nanos / 1_000_000_000L; // a new process: its counters start at 0
                    running[i] = 0;
                    n--;
                }
            }
            for (int i = processes - 1; i >= 0 && n < 0; i--) {
                if (pids[i] != 0) {
                    pids[i] = 0;
                    running[i] = 0;
                    n++;
                }
            }
            return active();
        }

        int active() {
            int n = 0;
            for (long pid : pids) {
                n += pid != 0 ? 1 : 0;
            }
            return n;
        }

        boolean logged(String line) {
            return log.contains(line);
        }

        String lastLine() {
            return log.getLast();
        }
    }

    private static BusynessSettings settings() {
        return new BusynessSettings(50, 25, 10, 2, false, 33, 3, 1, 60);
    }

    private static BusynessSettings verbose() {
        return new BusynessSettings(50, 25, 10, 2, true, 33, 3, 1, 60);
    }

    @Test
    void theFirstCycleLogsTheSettingsAsUwsgiDoes() {
        var rig = new Rig(settings(), 4, 1, 1, 3, 1);
        rig.cycle(0);
        assertEquals(List.of("[busyness] settings: min=25%, max=50%, overload=3, multiplier=10, respawn penalty=2",
                "[busyness] backlog alert is set to 33 request(s), step is 1",
                "[busyness] backlog non-zero alert is set to 60 second(s)"), rig.log);
    }

    @Test
    void anAverageAboveTheMaximumOverTheOverloadSpawnsAStepOfWorkers() {
        var rig = new Rig(settings(), 5, 1, 2, 2, 1);
        rig.cycle(80);
        assertEquals(1, rig.active(), "no decision before --cheaper-overload seconds have passed");
        assertEquals(3, rig.cycle(80));
        assertEquals("[busyness] 2s average busyness is at 80%, will spawn 2 new worker(s)", rig.lastLine());
        rig.cycle(50);
        assertEquals(3, rig.cycle(50), "50% is not above the maximum");
        rig.cycle(90);
        assertEquals(5, rig.cycle(90));
        rig.cycle(90);
        assertEquals(5, rig.cycle(90));
        assertEquals("[busyness] 2s average busyness is at 90% but we already started maximum number of workers"
                + " available with current limits (5)", rig.lastLine());
    }

    @Test
    void noSpawnWhileSpawningIsNotAllowed() {
        var rig = new Rig(settings(), 3, 1, 1, 1, 1);
        rig.canSpawn = false;
        assertEquals(1, rig.cycle(100));
        assertTrue(rig.lastLine().endsWith("but we already started maximum number of workers available with current limits (1)"));
    }

    @Test
    void aRequestInHandAtAnyCycleOfTheCheckCountsWhenNoneFinished() {
        var rig = new Rig(settings(), 3, 1, 1, 2, 2);
        rig.busy[0] = true;
        rig.running[1] += 200_000;
        assertEquals(2, rig.cycle());
        rig.busy[0] = false;
        rig.running[1] += 200_000;
        assertEquals(3, rig.cycle(), "worker 1 at 100 % (busy in one cycle, nothing finished), worker 2 at 20 %: 60 %");
    }

    @Test
    void aRequestThatOutlastsTheCheckMarksItsWorkerBusy() {
        var rig = new Rig(verbose(), 3, 1, 1, 1, 1);
        rig.busy[0] = true;
        assertEquals(2, rig.cycle(0));
        assertTrue(rig.logged("[busyness] worker 1 was busy 1 time(s) in last cycle but no request was completed during"
                + " this time, marking as 100% busy"), rig.log.toString());
        assertTrue(rig.logged("[busyness] 1s average busyness of 1 worker(s) is at 100%"), rig.log.toString());
    }

    @Test
    void idleChecksCheapOneWorkerOnceMultiplierTimesOverloadSecondsHavePassed() {
        var rig = new Rig(verbose(), 4, 1, 1, 1, 3);
        for (int s = 1; s < 10; s++) {
            assertEquals(3, rig.cycle(10), "second " + s);
        }
        assertEquals("[busyness] need to wait 1 more second(s) to cheap worker", rig.lastLine());
        assertEquals(2, rig.cycle(10));
        assertEquals("[busyness] 1s average busyness is at 10%, cheap one of 3 running workers", rig.lastLine());
        // the next cheap waits the multiplier's time again, and a second cheap in a row lowers nothing below 10
        for (int s = 1; s < 10; s++) {
            assertEquals(2, rig.cycle(10));
        }
        assertEquals(1, rig.cycle(10));
        assertFalse(rig.log.stream().anyMatch(l -> l.contains("decreasing")), rig.log.toString());
    }

    @Test
    void neverBelowCheaperNorTheLastWorker() {
        var rig = new Rig(settings(), 4, 2, 1, 1, 2);
        for (int s = 0; s < 30; s++) {
            assertEquals(2, rig.cycle(0));
        }
        var one = new Rig(verbose(), 4, 0, 1, 1, 1);
        for (int s = 0; s < 30; s++) {
            assertEquals(1, one.cycle(0));
        }
        assertFalse(one.log.stream().anyMatch(l -> l.contains("need to wait")), "no magic with one worker: " + one.log);
    }

    @Test
    void aWorkerRespawnedSoonAfterACheapAddsThePenaltyAndLaterSpawnsTakeItBack() {
        var rig = new Rig(settings(), 4, 1, 1, 1, 3);
        for (int s = 0; s < 10; s++) {
            rig.cycle(0);
        }
        assertEquals(2, rig.active());
        assertEquals(3, rig.cycle(100), "busy again one second after the cheap");
        assertTrue(rig.logged("[busyness] worker(s) respawned to fast, increasing cheaper multiplier to 12 (+2)"), rig.log.toString());
        assertEquals(12L, rig.busyness.figures().pool().get("multiplier"));
        // idle again: now 12 seconds before a cheap
        for (int s = 1; s < 12; s++) {
            assertEquals(3, rig.cycle(0), "second " + s);
        }
        assertEquals(2, rig.cycle(0));
        // a cheap long ago: the next spawn lowers the multiplier by one
        for (int s = 0; s < 20; s++) {
            rig.cycle(30);
        }
        assertEquals(3, rig.cycle(100));
        assertTrue(rig.logged("[busyness] decreasing cheaper multiplier to 11"), rig.log.toString());
        assertEquals(11L, rig.busyness.figures().pool().get("multiplier"));
    }

    @Test
    void aSecondCheapInARowLowersARaisedMultiplier() {
        var rig = new Rig(settings(), 4, 1, 1, 1, 3);
        for (int s = 0; s < 10; s++) {
            rig.cycle(0);
        }
        rig.cycle(100); // respawned too fast: 12
        for (int s = 0; s < 12; s++) {
            rig.cycle(0);
        }
        assertEquals(2, rig.active());
        assertEquals("cheap", rig.busyness.figures().pool().get("last_action"));
        for (int s = 0; s < 12; s++) {
            rig.cycle(0);
        }
        assertEquals(1, rig.active());
        assertTrue(rig.logged("[busyness] decreasing cheaper multiplier to 11"), rig.log.toString());
    }

    @Test
    void nonIdleChecksPushTheCheapTimerBackThenStartItAgainFromTheThird() {
        var rig = new Rig(verbose(), 4, 1, 1, 1, 3);
        for (int s = 0; s < 8; s++) {
            rig.cycle(0);
        }
        rig.cycle(30);
        assertEquals("[busyness] 1s average busyness is at 30%, 1 non-idle cycle(s), adjusting cheaper timer", rig.lastLine());
        rig.cycle(0);
        assertEquals(3, rig.active(), "the timer moved one second on");
        assertEquals(2, rig.cycle(0));
        // three non-idle checks in a row: the full multiplier again
        rig.cycle(40);
        rig.cycle(40);
        rig.cycle(40);
        assertEquals("[busyness] 1s average busyness is at 40%, 3 non-idle cycle(s), resetting cheaper timer", rig.lastLine());
        for (int s = 1; s < 10; s++) {
            assertEquals(2, rig.cycle(0), "second " + s);
        }
        assertEquals(1, rig.cycle(0));
    }

    @Test
    void aBacklogOverTheAlertSpawnsEmergencyWorkersEvenBetweenChecks() {
        var rig = new Rig(verbose(), 5, 1, 1, 3, 2);
        rig.backlog = 34;
        assertEquals(3, rig.cycle(10));
        assertEquals("[busyness] 34 requests in listen queue, spawning 1 emergency worker(s) (1)!", rig.lastLine());
        assertEquals(4, rig.cycle(10));
        assertEquals(5, rig.cycle(10));
        assertEquals(5, rig.cycle(10), "every slot runs");
        rig.backlog = 0;
        // emergency workers are cheaped on the short timer: overload × backlog-multiplier = 9 seconds
        assertTrue(rig.logged("[busyness] 2 emergency worker(s) running, using 9 seconds cheaper timer"), rig.log.toString());
        int cycles = 0;
        while (rig.active() == 5 && cycles < 40) {
            rig.cycle(0);
            cycles++;
        }
        assertEquals(8, cycles, "cheaped 9 seconds after the last emergency spawn, not 30");
        assertTrue(rig.logged("[busyness] 3 emergency worker(s) running, using 9 seconds cheaper timer"), rig.log.toString());
        assertEquals(2L, rig.busyness.figures().pool().get("emergency_workers"));
    }

    @Test
    void aBacklogEqualToTheAlertIsNoAlertAndWithEverySlotRunningNothingIsSpawned() {
        var rig = new Rig(settings(), 2, 1, 1, 3, 1);
        rig.backlog = 33;
        assertEquals(1, rig.cycle(10));
        rig.backlog = 40;
        assertEquals(2, rig.cycle(10));
        assertEquals(2, rig.cycle(10));
        assertEquals(1, rig.log.stream().filter(l -> l.contains("emergency")).count(), "active < processes only: " + rig.log);
    }

    @Test
    void aBacklogThatStaysNonEmptySpawnsAfterBacklogNonzeroSeconds() {
        var rig = new Rig(new BusynessSettings(50, 25, 10, 2, true, 33, 3, 1, 5), 4, 1, 1, 100, 1);
        rig.backlog = 2;
        rig.cycle(30);
        assertEquals("[busyness] backlog is starting to fill (2)", rig.lastLine());
        for (int s = 1; s < 5; s++) {
            assertEquals(1, rig.cycle(30), "second " + s);
        }
        assertEquals(2, rig.cycle(30));
        assertTrue(rig.logged("[busyness] backlog was non-zero for 5 second(s), spawning new worker(s)"), rig.log.toString());
        assertTrue(rig.logged("[busyness] 2 requests in listen queue, spawning 1 emergency worker(s) (1)!"), rig.log.toString());
        rig.backlog = 0;
        rig.cycle(30);
        assertEquals("[busyness] backlog is now empty", rig.lastLine());
        rig.backlog = 1;
        rig.cycle(30);
        assertEquals("[busyness] backlog is starting to fill (1)", rig.lastLine(), "the wait starts again");
    }

    @Test
    void aRespawnedWorkerIsMeasuredFromItsNewProcessAndEachWorkerHasItsFigure() {
        var rig = new Rig(verbose(), 3, 1, 1, 1, 2);
        rig.running[0] = 5_000_000; // worker 1 worked long before this pool's first check
        rig.cycle(0);
        rig.running[0] += 400_000;
        rig.running[1] += 100_000;
        rig.cycle();
        assertTrue(rig.logged("[busyness] worker nr 1 1s average busyness is at 40%"), rig.log.toString());
        assertTrue(rig.logged("[busyness] worker nr 2 1s average busyness is at 10%"), rig.log.toString());
        assertTrue(rig.logged("[busyness] 1s average busyness of 2 worker(s) is at 25%"), rig.log.toString());
        assertEquals(Map.of(1, Map.of("busyness", 40L), 2, Map.of("busyness", 10L)), rig.busyness.figures().workers());
        // worker 1's process is replaced: its new counter is below the old one, and counts from 0
        rig.pids[0] = 999;
        rig.running[0] = 200_000;
        rig.cycle();
        assertEquals(20L, rig.busyness.figures().workers().get(1).get("busyness"));
        assertEquals(10L, rig.busyness.figures().pool().get("avg_busyness"));
    }

    @Test
    void theFiguresSayWhatTheAlgorithmKnows() {
        var rig = new Rig(settings(), 3, 1, 1, 1, 1);
        rig.cycle(90);
        var pool = rig.busyness.figures().pool();
        assertEquals(List.of("avg_busyness", "busyness_min", "busyness_max", "multiplier", "next_cheap", "non_idle_cycles",
                "emergency_workers", "backlog_nonzero", "last_action"), List.copyOf(pool.keySet()));
        assertEquals(90L, pool.get("avg_busyness"));
        assertEquals("spawn", pool.get("last_action"));
        assertEquals(10L, pool.get("next_cheap"));
    }
}
