package org.uwsgi4j.kernel.boot;

/** Logs the start-up lines uWSGI users look for at the top of a log ({@link Banner}). */
final class LogBanner implements BootStep {

    @Override
    public boolean run(Boot boot) {
        Banner.log(boot.version);
        return true;
    }
}
