package org.uwsgi4j.kernel.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The one-line reason the start-up gives for a plugin component that failed to activate. */
class CheckComponentsTest {

    @Test
    void aRefusalGivesItsMessageAlone() {
        assertEquals("--cron 'x': not a cron spec", CheckComponents.reason("""
                java.lang.IllegalArgumentException: --cron 'x': not a cron spec
                \tat org.example.Cron.activate(Cron.java:12)
                """));
    }

    @Test
    void aFaultGivesItsClassAndMessage() {
        assertEquals("java.lang.NullPointerException: oops", CheckComponents.reason("java.lang.NullPointerException: oops\n\tat x.y(Z.java:1)\n"));
    }

    @Test
    void noFailureTextStillSaysWhat() {
        assertEquals("a component failed to activate", CheckComponents.reason(null));
        assertEquals("a component failed to activate", CheckComponents.reason("  \n"));
    }
}
