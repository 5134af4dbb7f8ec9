package org.uwsgi4j.plugin.alarm.api;

/**
 * An alarm action type: what {@code --alarm "NAME TYPE:ARGS"} does when NAME is raised (uWSGI's
 * {@code uwsgi_register_alarm(name, init, func)}: {@code log}, {@code cmd}, {@code signal},
 * {@code curl} are plugin-alarm's own). Register it as an OSGi service with the property
 * {@link #TYPE}; the alarm plugin looks types up by that name.
 *
 * <p>Contract:
 * <ul>
 * <li>{@link #prepare} runs once per alarm at start-up (or when the type appears again after
 *     its bundle was replaced). A bad {@code args} throws {@link IllegalArgumentException} whose
 *     message is the one line the user sees (the start is refused).</li>
 * <li>{@link Raise#raise} runs on the alarm's own thread (or the one alarm thread with
 *     {@code --alarm-cheap}), never on a request's or the log's: it may block, the alarm's
 *     later raises wait (a bounded queue; beyond it they are dropped and counted). An exception
 *     is the action failing: the plugin logs its message in one line.</li>
 * <li>Anything the action logs should go through the kernel's {@code UnwatchedLog}, so that
 *     its own lines never raise alarms again.</li>
 * </ul>
 */
@FunctionalInterface
public interface AlarmAction {

    /** Service property: the type's name, a {@code String} ({@code "curl"}). */
    String TYPE = "uwsgi4j.alarm.type";

    /**
     * Prepares alarm {@code name} with {@code args} (what follows {@code TYPE:}).
     *
     * @throws IllegalArgumentException when {@code args} are not valid for this type
     */
    Raise prepare(String name, String args);

    /** One alarm of this type, ready to raise. */
    @FunctionalInterface
    interface Raise {

        /**
         * Raises the alarm with {@code message} (a log line, an fd alarm's text, an application's
         * message; at most {@code --alarm-msg-size} bytes).
         *
         * @throws Exception when the action failed; its message is logged in one line
         */
        void raise(String message) throws Exception;
    }
}
