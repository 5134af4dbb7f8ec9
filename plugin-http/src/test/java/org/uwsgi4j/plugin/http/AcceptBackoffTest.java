package org.uwsgi4j.plugin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AcceptBackoffTest {

    @Test
    void failuresPauseLongerAndLongerUpToTheMaximumAndASuccessStartsOver() {
        var b = new AcceptBackoff();
        assertEquals(50, b.failed());
        assertEquals(100, b.failed());
        assertEquals(200, b.failed());
        assertEquals(400, b.failed());
        assertEquals(800, b.failed());
        assertEquals(1600, b.failed());
        assertEquals(1600, b.failed());
        b.succeeded();
        assertEquals(50, b.failed());
    }
}
