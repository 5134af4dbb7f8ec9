package org.uwsgi4j.kernel.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** What the framework's bundles log through the OSGi Log API, as it reaches the server's log. */
class OsgiLoggerTest {

    record Line(Level level, String message, Throwable cause) {
    }

    /** An slf4j logger that keeps what it is given, enabled from {@code threshold} up. */
    static final class Capture extends AbstractLogger {
        final List<Line> lines = new ArrayList<>();
        private final Level threshold;

        Capture(Level threshold) {
            this.threshold = threshold;
            this.name = "capture";
        }

        @Override protected String getFullyQualifiedCallerName() { return null; }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments, Throwable cause) {
            lines.add(new Line(level, MessageFormatter.basicArrayFormat(pattern, arguments), cause));
        }

        private boolean on(Level level) { return level.toInt() >= threshold.toInt(); }
        @Override public boolean isTraceEnabled() { return on(Level.TRACE); }
        @Override public boolean isTraceEnabled(Marker marker) { return on(Level.TRACE); }
        @Override public boolean isDebugEnabled() { return on(Level.DEBUG); }
        @Override public boolean isDebugEnabled(Marker marker) { return on(Level.DEBUG); }
        @Override public boolean isInfoEnabled() { return on(Level.INFO); }
        @Override public boolean isInfoEnabled(Marker marker) { return on(Level.INFO); }
        @Override public boolean isWarnEnabled() { return on(Level.WARN); }
        @Override public boolean isWarnEnabled(Marker marker) { return on(Level.WARN); }
        @Override public boolean isErrorEnabled() { return on(Level.ERROR); }
        @Override public boolean isErrorEnabled(Marker marker) { return on(Level.ERROR); }
    }

    private final Capture out = new Capture(Level.INFO);

    @Test
    void aRefusalIsOneLineWithItsMessageAndNoStackTrace() {
        new OsgiLogger("ROOT", out, false).error("[cron(3)] : The activate method has thrown an exception",
                new IllegalArgumentException("--cron 'x': not a cron spec"));
        assertEquals(List.of(new Line(Level.ERROR, "[cron(3)] : The activate method has thrown an exception: --cron 'x': not a cron spec", null)),
                out.lines);
    }

    @Test
    void anyOtherExceptionKeepsItsStackTrace() {
        var fault = new IllegalStateException("broken");
        new OsgiLogger("ROOT", out, false).error("{} failed", "x", fault);
        assertEquals(1, out.lines.size());
        assertEquals("x failed", out.lines.getFirst().message());
        assertSame(fault, out.lines.getFirst().cause());
    }

    @Test
    void aFormatterLoggerFormatsPrintfStyle() {
        new OsgiLogger("ROOT", out, true).warn("%d of %s", 3, "four");
        assertEquals(List.of(new Line(Level.WARN, "3 of four", null)), out.lines);
    }

    @Test
    void levelsBelowTheThresholdAreDroppedButAuditIsNever() {
        var quiet = new Capture(Level.ERROR);
        var logger = new OsgiLogger("ROOT", quiet, false);
        logger.info("not shown");
        logger.debug(l -> l.error("a consumer below the threshold is not run"));
        logger.audit("shown {}", 1);
        assertEquals(List.of(new Line(Level.ERROR, "shown 1", null)), quiet.lines);
    }
}
