package org.uwsgi4j.plugin.alarm;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.uwsgi4j.kernel.api.Signals;
import org.uwsgi4j.plugin.alarm.api.AlarmAction;

/**
 * {@code signal:N}: raises uWSGI signal N (0-255) as the master routes it (docs/signals.md). The
 * kernel's signal table comes with the master, after the plugins have started: until then a
 * raise fails (one line).
 */
@Component(property = AlarmAction.TYPE + "=signal")
public final class SignalAction implements AlarmAction {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Signals signals;

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
        return message -> {
            Signals table = signals;
            if (table == null) {
                throw new IllegalStateException("no signal table yet (the master is not running)");
            }
            table.raise(n);
        };
    }
}
