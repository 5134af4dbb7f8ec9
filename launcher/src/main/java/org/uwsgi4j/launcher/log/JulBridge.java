package org.uwsgi4j.launcher.log;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends java.util.logging records (FileInstall logs through JUL) to SLF4J as one line each:
 * the message and, when there is one, the cause's message on the same line. Library stack
 * traces are not shown: a broken jar dropped in is a user error, not a crash.
 */
public final class JulBridge extends Handler {

    private JulBridge() {
    }

    /** Replaces the root JUL handlers with this bridge; INFO and above pass. */
    public static void install() {
        var root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.setLevel(Level.INFO);
        root.addHandler(new JulBridge());
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() < Level.INFO.intValue()) {
            return;
        }
        Logger logger = LoggerFactory.getLogger(record.getLoggerName() == null ? "jul" : record.getLoggerName());
        String message = record.getMessage();
        if (record.getParameters() != null && message != null) {
            message = java.text.MessageFormat.format(message, record.getParameters());
        }
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                message = message + ": " + t.getMessage();
            }
        }
        logger.info(message);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
