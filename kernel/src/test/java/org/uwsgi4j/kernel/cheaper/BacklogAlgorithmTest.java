package org.uwsgi4j.kernel.cheaper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.api.CheaperAlgorithm;
import org.uwsgi4j.kernel.api.CheaperAlgorithm.Load;

/** uWSGI's backlog algorithm: the queue of waiting requests against --cheaper-overload. */
class BacklogAlgorithmTest {

    private final CheaperAlgorithm.Decider backlog = new BacklogAlgorithm().newDecider();

    private static Load load(int active, int waiting, boolean canSpawn) {
        return new Load(8, 2, 3, 4, active, active, 8 - active, waiting, 0, canSpawn);
    }

    @Test
    void aLongQueueSpawnsAStep() {
        assertEquals(3, backlog.decide(load(2, 5, true)));
        assertEquals(2, backlog.decide(load(6, 5, true)), "capped by the cheaped slots");
        assertEquals(0, backlog.decide(load(2, 5, false)));
    }

    @Test
    void aShortQueueStopsAWorkerDownToTheMinimum() {
        assertEquals(-1, backlog.decide(load(4, 0, true)));
        assertEquals(0, backlog.decide(load(2, 0, true)));
        assertEquals(0, backlog.decide(load(4, 4, true)), "a queue at the limit changes nothing");
    }
}
