package org.uwsgi4j.kernel.log;

import java.util.Arrays;
import org.osgi.service.log.FormatterLogger;
import org.osgi.service.log.LoggerConsumer;
import org.slf4j.event.Level;

/**
 * An OSGi {@link org.osgi.service.log.Logger} (and {@link FormatterLogger}) that writes to an
 * slf4j logger, and so to the server's log. {@code audit} is never filtered out (the OSGi spec):
 * it is written at ERROR, the level the server never turns off (its lines carry no level).
 *
 * <p>An {@link IllegalArgumentException} as the last argument is a refusal, not a fault: it is
 * how a plugin component says that a value it was given is wrong, and the user reads its
 * message on the same line, with no stack trace (docs/plugins.md). Any other exception is logged
 * with its stack trace.
 */
final class OsgiLogger implements FormatterLogger {

    private final String name;
    private final org.slf4j.Logger out;
    private final boolean printf;

    OsgiLogger(String name, org.slf4j.Logger out, boolean printf) {
        this.name = name;
        this.out = out;
        this.printf = printf;
    }

    @Override
    public String getName() {
        return name;
    }

    private void log(Level level, String format, Object... arguments) {
        if (out.isEnabledForLevel(level)) {
            write(level, format, arguments);
        }
    }

    private void write(Level level, String format, Object... arguments) {
        Throwable thrown = arguments.length > 0 && arguments[arguments.length - 1] instanceof Throwable t ? t : null;
        Object[] values = thrown == null ? arguments : Arrays.copyOf(arguments, arguments.length - 1);
        String message = printf ? String.format(format, values) : org.slf4j.helpers.MessageFormatter.basicArrayFormat(format, values);
        if (thrown instanceof IllegalArgumentException refusal) {
            out.atLevel(level).log(message + ": " + refusal.getMessage());
        } else if (thrown != null) {
            out.atLevel(level).setCause(thrown).log(message);
        } else {
            out.atLevel(level).log(message);
        }
    }

    private <E extends Exception> void consume(Level level, LoggerConsumer<E> consumer) throws E {
        if (out.isEnabledForLevel(level)) {
            consumer.accept(this);
        }
    }

    @Override public boolean isTraceEnabled() { return out.isTraceEnabled(); }
    @Override public void trace(String message) { log(Level.TRACE, message); }
    @Override public void trace(String format, Object arg) { log(Level.TRACE, format, arg); }
    @Override public void trace(String format, Object arg1, Object arg2) { log(Level.TRACE, format, arg1, arg2); }
    @Override public void trace(String format, Object... arguments) { log(Level.TRACE, format, arguments); }
    @Override public <E extends Exception> void trace(LoggerConsumer<E> consumer) throws E { consume(Level.TRACE, consumer); }

    @Override public boolean isDebugEnabled() { return out.isDebugEnabled(); }
    @Override public void debug(String message) { log(Level.DEBUG, message); }
    @Override public void debug(String format, Object arg) { log(Level.DEBUG, format, arg); }
    @Override public void debug(String format, Object arg1, Object arg2) { log(Level.DEBUG, format, arg1, arg2); }
    @Override public void debug(String format, Object... arguments) { log(Level.DEBUG, format, arguments); }
    @Override public <E extends Exception> void debug(LoggerConsumer<E> consumer) throws E { consume(Level.DEBUG, consumer); }

    @Override public boolean isInfoEnabled() { return out.isInfoEnabled(); }
    @Override public void info(String message) { log(Level.INFO, message); }
    @Override public void info(String format, Object arg) { log(Level.INFO, format, arg); }
    @Override public void info(String format, Object arg1, Object arg2) { log(Level.INFO, format, arg1, arg2); }
    @Override public void info(String format, Object... arguments) { log(Level.INFO, format, arguments); }
    @Override public <E extends Exception> void info(LoggerConsumer<E> consumer) throws E { consume(Level.INFO, consumer); }

    @Override public boolean isWarnEnabled() { return out.isWarnEnabled(); }
    @Override public void warn(String message) { log(Level.WARN, message); }
    @Override public void warn(String format, Object arg) { log(Level.WARN, format, arg); }
    @Override public void warn(String format, Object arg1, Object arg2) { log(Level.WARN, format, arg1, arg2); }
    @Override public void warn(String format, Object... arguments) { log(Level.WARN, format, arguments); }
    @Override public <E extends Exception> void warn(LoggerConsumer<E> consumer) throws E { consume(Level.WARN, consumer); }

    @Override public boolean isErrorEnabled() { return out.isErrorEnabled(); }
    @Override public void error(String message) { log(Level.ERROR, message); }
    @Override public void error(String format, Object arg) { log(Level.ERROR, format, arg); }
    @Override public void error(String format, Object arg1, Object arg2) { log(Level.ERROR, format, arg1, arg2); }
    @Override public void error(String format, Object... arguments) { log(Level.ERROR, format, arguments); }
    @Override public <E extends Exception> void error(LoggerConsumer<E> consumer) throws E { consume(Level.ERROR, consumer); }

    @Override public void audit(String message) { write(Level.ERROR, message); }
    @Override public void audit(String format, Object arg) { write(Level.ERROR, format, arg); }
    @Override public void audit(String format, Object arg1, Object arg2) { write(Level.ERROR, format, arg1, arg2); }
    @Override public void audit(String format, Object... arguments) { write(Level.ERROR, format, arguments); }
}
