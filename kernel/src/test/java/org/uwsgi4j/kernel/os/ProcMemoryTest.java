package org.uwsgi4j.kernel.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcMemoryTest {

    @Test
    void readsVmRssAndVmSizeInBytes() {
        String status = "Name:\tpython3\nVmPeak:\t  200000 kB\nVmSize:\t  144736 kB\nVmHWM:\t   99999 kB\n"
                + "VmRSS:\t   92948 kB\nRssAnon:\t   80000 kB\nThreads:\t1\n";
        assertEquals(new ProcMemory(92948L * 1024, 144736L * 1024), ProcMemory.parse(status));
    }

    @Test
    void aZombieHasNoMemoryLines() {
        assertEquals(ProcMemory.NONE, ProcMemory.parse("Name:\tpython3\nState:\tZ (zombie)\nThreads:\t1\n"));
    }

    @Test
    void readsThisProcessAndNothingForAMissingOne() {
        ProcMemory self = ProcMemory.of(ProcessHandle.current().pid());
        assertTrue(self.rss() > 0 && self.vsz() >= self.rss(), self.toString());
        assertEquals(ProcMemory.NONE, ProcMemory.of(0));
        assertEquals(ProcMemory.NONE, ProcMemory.of(Long.MAX_VALUE));
    }
}
