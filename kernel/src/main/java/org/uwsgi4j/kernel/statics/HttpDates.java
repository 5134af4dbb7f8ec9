package org.uwsgi4j.kernel.statics;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** HTTP dates in the IMF-fixdate form ({@code Sun, 06 Nov 1994 08:49:37 GMT}), the only one uWSGI reads. */
final class HttpDates {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private HttpDates() {
    }

    /** {@code epochSeconds} as an HTTP date. */
    static String format(long epochSeconds) {
        return FORMAT.format(Instant.ofEpochSecond(epochSeconds));
    }

    /** The epoch seconds of an HTTP date, or -1 when {@code text} is null or not an IMF-fixdate. */
    static long parse(String text) {
        if (text == null) {
            return -1;
        }
        try {
            return ZonedDateTime.parse(text.strip(), FORMAT).toEpochSecond();
        } catch (DateTimeParseException e) {
            return -1;
        }
    }
}
