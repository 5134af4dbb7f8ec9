package org.uwsgi4j.kernel.log;

import org.uwsgi4j.kernel.api.Strftime;
import java.time.ZoneId;

/**
 * A {@link Strftime} pattern with the text of the last second it formatted kept, so a busy
 * server formats a date once a second instead of once a line. Safe for concurrent use.
 */
final class PerSecond {

    private record Last(long second, String text) {
    }

    private final Strftime pattern;
    private final ZoneId zone;
    private volatile Last last = new Last(Long.MIN_VALUE, "");

    PerSecond(Strftime pattern, ZoneId zone) {
        this.pattern = pattern;
        this.zone = zone;
    }

    /** The pattern applied to {@code epochSecond}. */
    String format(long epochSecond) {
        Last l = last;
        if (l.second() == epochSecond) {
            return l.text();
        }
        String text = pattern.format(epochSecond, zone);
        last = new Last(epochSecond, text);
        return text;
    }
}
