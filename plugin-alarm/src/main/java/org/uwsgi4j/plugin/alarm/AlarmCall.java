package org.uwsgi4j.plugin.alarm;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.uwsgi4j.kernel.api.WorkerCall;

/**
 * The call {@code alarm NAME MESSAGE} (an application's {@code uwsgi.alarm(name, message)}):
 * raises alarm NAME with MESSAGE (its bytes travel as latin-1 characters and are read as UTF-8),
 * subject to the anti-flood rule. As in uWSGI, an unknown name raises nothing and the
 * application goes on; uwsgi4j logs one line saying so.
 */
@Component(property = WorkerCall.NAME + "=alarm")
public final class AlarmCall implements WorkerCall {

    private final AlarmService alarms;

    @Activate
    public AlarmCall(@Reference AlarmService alarms) {
        this.alarms = alarms;
    }

    @Override
    public List<String> call(List<String> args) {
        return call(new Caller(-1, 0, 0), args);
    }

    @Override
    public List<String> call(Caller caller, List<String> args) {
        if (args.size() != 2) {
            throw new IllegalArgumentException("alarm: expected a name and a message, got " + args.size() + " argument(s)");
        }
        String message = new String(args.get(1).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        if (!alarms.trigger(args.get(0), message)) {
            alarms.log().server("[uwsgi-alarm] no alarm named \"" + args.get(0) + "\" (uwsgi.alarm from worker "
                    + caller.workerId() + ", pid " + caller.pid() + ")");
        }
        return List.of();
    }
}
