package org.uwsgi4j.kernel.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.api.Strftime;

class PerSecondTest {

    private static final long T = Instant.parse("2026-01-06T07:08:09Z").getEpochSecond();

    @Test
    void perSecondCacheFollowsTheSecond() {
        PerSecond cache = new PerSecond(Strftime.compile("%S"), ZoneOffset.UTC);
        assertEquals("09", cache.format(T));
        assertEquals("09", cache.format(T));
        assertEquals("10", cache.format(T + 1));
        assertEquals("09", cache.format(T));
    }
}
