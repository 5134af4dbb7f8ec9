package org.uwsgi4j.plugin.alarm;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.uwsgi4j.kernel.api.Signals;
import org.uwsgi4j.plugin.alarm.api.AlarmAction;

/** {@code signal:N}: raises uWSGI signal N (0-255) as the master routes it (docs/signals.md). */
@Component(property = AlarmAction.TYPE + "=signal")
public final class SignalAction implements AlarmAction {

    private final Signals signals;

    @Activate
    public SignalAction(@Reference Signals signals) {
        this.signals = signals;
    }

    @Override
    public Raise prepare(String name, String args) {
        int signum;
        try {
            signum = Integer.parseInt(args.strip());
        } catch (NumberFormatException e) {
            signum = -1;
        }
        if (signum < 0 || signum > 255) {
            throw new IllegalArgumentException("signal alarm: '" + args + "' is no uWSGI signal number (0-255)");
        }
        int n = signum;
        return message -> signals.raise(n);
    }
}
