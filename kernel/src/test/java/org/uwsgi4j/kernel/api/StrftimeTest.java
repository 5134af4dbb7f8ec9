package org.uwsgi4j.kernel.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StrftimeTest {

    /** Tue 2026-01-06 07:08:09 UTC: day 6 of the year, ISO week 2. */
    private static final long T = Instant.parse("2026-01-06T07:08:09Z").getEpochSecond();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // expected values checked against glibc: TZ=UTC date -d @1767683289 +FORMAT
        "%a|Tue", "%A|Tuesday", "%b|Jan", "%h|Jan", "%B|January", "%c|Tue Jan  6 07:08:09 2026",
        "%C|20", "%d|06", "%D|01/06/26", "%e|' 6'", "%F|2026-01-06", "%g|26", "%G|2026", "%H|07", "%I|07",
        "%j|006", "%k|' 7'", "%l|' 7'", "%m|01", "%M|08", "%p|AM", "%P|am", "%r|07:08:09 AM", "%R|07:08",
        "%s|1767683289", "%S|09", "%T|07:08:09", "%u|2", "%U|01", "%V|02", "%w|2", "%W|01", "%x|01/06/26",
        "%X|07:08:09", "%y|26", "%Y|2026", "%z|+0000", "%%|%",
        "%Y-%m-%d %H:%M:%S|2026-01-06 07:08:09",
        "%q stays|%q stays", "ends with %|ends with %", "no conversions|no conversions",
    })
    void conversions(String pattern, String expected) {
        assertEquals(expected, Strftime.compile(pattern).format(T, ZoneOffset.UTC));
    }

    @Test
    void offsetsAndTwelveHourClock() {
        long evening = Instant.parse("2026-07-04T23:30:00Z").getEpochSecond();
        assertEquals("04/Jul/2026:19:30:00 -0400", Strftime.APACHE.format(evening, ZoneId.of("America/New_York")));
        assertEquals("05/Jul/2026:05:00:00 +0530", Strftime.APACHE.format(evening, ZoneId.of("Asia/Kolkata")));
        assertEquals("11:30:00 PM 11 11 PM pm", Strftime.compile("%r %I %l %p %P").format(evening, ZoneOffset.UTC));
    }

    @Test
    void midnightIsTwelveAm() {
        long midnight = Instant.parse("2026-07-04T00:15:00Z").getEpochSecond();
        assertEquals("12:15:00 AM 12 12", Strftime.compile("%r %I %l").format(midnight, ZoneOffset.UTC));
    }

    @Test
    void ctimeMatchesCtime3() {
        assertEquals("Sun Nov 22 03:04:56 2026",
                Strftime.CTIME.format(Instant.parse("2026-11-22T03:04:56Z").getEpochSecond(), ZoneOffset.UTC));
    }
}
