package org.uwsgi4j.plugin.alarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AntiFloodTest {

    private static final long S = 1_000_000_000L;

    @Test
    void theSameMessageWithinThePeriodIsSuppressed() {
        AntiFlood f = new AntiFlood(3);
        assertTrue(f.admit("boom", 100 * S));
        for (int i = 0; i < 50; i++) {
            assertFalse(f.admit("boom", 100 * S + i * (S / 20)));
        }
        assertEquals(50, f.suppressed());
        assertTrue(f.admit("boom", 103 * S), "the period is over");
        assertFalse(f.admit("boom", 105 * S), "counted from the last admitted raise");
    }

    @Test
    void anotherMessageAlwaysPassesAndBecomesTheLast() {
        AntiFlood f = new AntiFlood(3);
        assertTrue(f.admit("a", 0));
        assertTrue(f.admit("b", 1));
        assertTrue(f.admit("a", 2));
        assertFalse(f.admit("a", 3));
    }

    @Test
    void aZeroPeriodSuppressesNothing() {
        AntiFlood f = new AntiFlood(0);
        assertTrue(f.admit("a", 0));
        assertTrue(f.admit("a", 0));
    }

    @Test
    void aMessageIsCutToTheMessageSizeOnACharacterBoundary() {
        assertEquals("abc", Alarm.cut("abcdef", 3));
        assertEquals("ab", Alarm.cut("abé", 3)); // é is two bytes: not cut in half
        assertEquals("short", Alarm.cut("short", 8192));
    }
}
