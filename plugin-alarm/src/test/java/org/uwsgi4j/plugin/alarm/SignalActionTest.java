package org.uwsgi4j.plugin.alarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SignalActionTest {

    @Test
    void aSignalNumberIsZeroTo255() {
        var action = new SignalAction();
        for (String bad : new String[] {"300", "-1", "x", ""}) {
            var e = assertThrows(IllegalArgumentException.class, () -> action.prepare("s", bad));
            assertEquals("signal alarm: '" + bad + "' is no uWSGI signal number (0-255)", e.getMessage());
        }
        var beforeTheMaster = assertThrows(IllegalStateException.class, () -> action.prepare("s", " 17").raise("x"));
        assertEquals("no signal table yet (the master is not running)", beforeTheMaster.getMessage());
    }
}
