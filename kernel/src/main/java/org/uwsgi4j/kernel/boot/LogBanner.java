package org.uwsgi4j.kernel.boot;

/**
 * Logs the start-up lines uWSGI users look for at the top of a log ({@link Banner}). From here
 * the log holds its lines until the plugins have started ({@link ReleaseLog}), so the banner
 * goes where the configured loggers send everything else.
 */
final class LogBanner implements BootStep {

    @Override
    public boolean run(Boot boot) {
        boot.log.hold();
        Banner.log(boot.version, boot.options.isTrue("thunder-lock"));
        return true;
    }
}
