package org.uwsgi4j.launcher.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * An SLF4J logger that writes each message as one bare line (uWSGI style). TRACE and DEBUG
 * are off unless the system property {@code uwsgi4j.debug} is set.
 */
final class LineLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;
    private final transient LineLog log;
    private final boolean debug;

    LineLogger(String name, LineLog log, boolean debug) {
        this.name = name;
        this.log = log;
        this.debug = debug;
    }

    @Override
    public boolean isTraceEnabled() {
        return debug;
    }

    @Override
    public boolean isDebugEnabled() {
        return debug;
    }

    @Override
    public boolean isInfoEnabled() {
        return true;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
        log.write(MessageFormatter.basicArrayFormat(pattern, arguments), throwable);
    }
}
