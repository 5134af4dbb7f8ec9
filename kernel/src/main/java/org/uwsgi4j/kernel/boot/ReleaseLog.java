package org.uwsgi4j.kernel.boot;

/**
 * Sends the lines held since {@link LogBanner} on: the plugins have started, so the loggers and
 * encoders the configuration names are there to take them.
 */
final class ReleaseLog implements BootStep {

    @Override
    public boolean run(Boot boot) {
        boot.log.release();
        return true;
    }
}
