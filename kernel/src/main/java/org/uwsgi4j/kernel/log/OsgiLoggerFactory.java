package org.uwsgi4j.kernel.log;

import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.log.FormatterLogger;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The OSGi {@link LoggerFactory} of the server: what the framework's own bundles log through the
 * OSGi Log API (Declarative Services above all: a plugin component that fails to start, a
 * reference that cannot be bound) goes into the server's log like every other line, in its
 * format and to its {@code --logto}, instead of to the JVM's stderr.
 *
 * <p>A logger is named after what asked for it: {@code getLogger(bundle, name, type)} gives an
 * slf4j logger named {@code BUNDLE-SYMBOLIC-NAME} (or {@code BUNDLE-SYMBOLIC-NAME.NAME} for a
 * name other than {@link Logger#ROOT_LOGGER_NAME}). {@link FormatterLogger} is honoured
 * (printf-style messages); a plain {@link Logger} takes slf4j's {@code {}} placeholders, as the
 * OSGi spec and slf4j agree.
 */
@Component(service = LoggerFactory.class)
public final class OsgiLoggerFactory implements LoggerFactory {

    @Override
    public Logger getLogger(String name) {
        return getLogger(name, Logger.class);
    }

    @Override
    public Logger getLogger(Class<?> clazz) {
        return getLogger(clazz.getName(), Logger.class);
    }

    @Override
    public <L extends Logger> L getLogger(String name, Class<L> loggerType) {
        return loggerType.cast(new OsgiLogger(name, org.slf4j.LoggerFactory.getLogger(name), printf(loggerType)));
    }

    @Override
    public <L extends Logger> L getLogger(Class<?> clazz, Class<L> loggerType) {
        return getLogger(clazz.getName(), loggerType);
    }

    @Override
    public <L extends Logger> L getLogger(Bundle bundle, String name, Class<L> loggerType) {
        String slf4jName = name == null || name.equals(Logger.ROOT_LOGGER_NAME)
                ? bundle.getSymbolicName() : bundle.getSymbolicName() + "." + name;
        return loggerType.cast(new OsgiLogger(name, org.slf4j.LoggerFactory.getLogger(slf4jName), printf(loggerType)));
    }

    private static boolean printf(Class<? extends Logger> loggerType) {
        if (loggerType != Logger.class && loggerType != FormatterLogger.class) {
            throw new IllegalArgumentException("unsupported logger type " + loggerType.getName() + " (Logger or FormatterLogger)");
        }
        return loggerType == FormatterLogger.class;
    }
}
