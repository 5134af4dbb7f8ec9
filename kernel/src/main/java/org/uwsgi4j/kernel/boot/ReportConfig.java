package org.uwsgi4j.kernel.boot;

import org.uwsgi4j.launcher.api.ProcessExit;

/** Logs what reading the configuration found, {@code --show-config}; exits 0 on {@code --dry-run}. */
final class ReportConfig implements BootStep {

    @Override
    public boolean run(Boot boot) {
        return ConfigStep.report(boot.loaded) ? boot.exit(ProcessExit.SUCCESS) : true;
    }
}
