package org.uwsgi4j.kernel.cheaper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.api.CheaperAlgorithm;
import org.uwsgi4j.kernel.api.CheaperAlgorithm.Load;

/** uWSGI's spare algorithm, cycle by cycle (processes 10, cheaper 2, step 2, overload 3). */
class SpareAlgorithmTest {

    private final CheaperAlgorithm.Decider spare = new SpareAlgorithm().newDecider();

    private static Load load(int active, int busy, boolean canSpawn) {
        return new Load(10, 2, 2, 3, active, busy, 10 - active, 0, 0, canSpawn);
    }

    private List<Integer> cycles(int n, Load load) {
        List<Integer> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(spare.decide(load));
        }
        return answers;
    }

    @Test
    void allBusyForMoreThanOverloadCyclesSpawnsAStep() {
        assertEquals(List.of(0, 0, 0, 2, 0, 0, 0, 2), cycles(8, load(3, 3, true)));
    }

    @Test
    void stepIsCappedByTheCheapedSlots() {
        Load nearlyFull = new Load(10, 2, 4, 1, 9, 9, 1, 0, 0, true);
        assertEquals(List.of(0, 1), List.of(spare.decide(nearlyFull), spare.decide(nearlyFull)));
    }

    @Test
    void noSpawningWhenNotAllowed() {
        assertEquals(List.of(0, 0, 0, 0, 0, 0), cycles(6, load(3, 3, false)));
    }

    @Test
    void idleWorkersAreCheapedOneEveryOverloadCyclesDownToTheMinimum() {
        assertEquals(List.of(0, 0, -1, 0, 0, -1), cycles(6, load(5, 0, true)));
        assertEquals(List.of(0, 0, 0), cycles(3, load(2, 0, true)), "never below --cheaper");
    }

    @Test
    void exactlyOneSpareWorkerIsAStableState() {
        assertEquals(List.of(0, 0, 0, 0, 0, 0), cycles(6, load(6, 5, true)));
    }

    @Test
    void anOverloadHasToWearOffBeforeCheaping() {
        cycles(3, load(4, 4, true)); // overloaded for 3 cycles, not yet past the patience
        assertEquals(List.of(0, 0, 0), cycles(3, load(4, 0, true)), "the overload count drains first");
        assertEquals(List.of(0, -1, 0), cycles(3, load(4, 0, true)), "then one every --cheaper-overload idle cycles");
    }
}
