package org.uwsgi4j.plugin.alarm;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.uwsgi4j.kernel.api.WorkerCall;

/**
 * The call {@code alarm NAME MESSAGE} (an application's {@code uwsgi.alarm(name, message)}):
 * raises alarm NAME with MESSAGE (its bytes travel as latin-1 characters and are read as UTF-8,
 * or as latin-1 when they are no UTF-8),
 * subject to the anti-flood rule. As in uWSGI, an unknown name raises nothing and the
 * application goes on; uwsgi4j logs one line saying so.
 *
 * <p>Registered by {@link AlarmService} once its alarms are built, not as a component of its
 * own: the kernel binds every call at once, and a component waiting for an AlarmService that
 * refused the configuration would hide that refusal behind its own failure.
 */
final class AlarmCall implements WorkerCall {

    private final AlarmService alarms;

    AlarmCall(AlarmService alarms) {
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
        String message = text(args.get(1).getBytes(StandardCharsets.ISO_8859_1));
        if (!alarms.trigger(args.get(0), message)) {
            alarms.log().server("[uwsgi-alarm] no alarm named \"" + args.get(0) + "\" (uwsgi.alarm from worker "
                    + caller.workerId() + ", pid " + caller.pid() + ")");
        }
        return List.of();
    }

    /** The message's bytes as UTF-8 when they are UTF-8, else as latin-1 (a Perl byte string: nothing is lost). */
    static String text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }
}
