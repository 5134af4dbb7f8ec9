package org.uwsgi4j.kernel.api;

import java.util.List;

/**
 * A call the applications in worker processes make to the kernel by name (docs/worker-protocol.md,
 * {@code CALL} and {@code RESULT}), as uWSGI's functions for applications are: {@code reload}
 * is one (the kernel's own), a cache, rpc, spooler or signal plugin adds its own.
 *
 * <p>Register it as an OSGi service with the property {@link #NAME} (a {@code String}, the name
 * the worker's {@code CALL} frame gives). The kernel tracks these services dynamically: a call
 * registered while the server runs answers the next {@code CALL} of that name, one that goes
 * away is answered as unknown again. A {@code CALL} of a name no service has gets an
 * {@code error} {@code RESULT} ({@code no such call: NAME}), never silence.
 *
 * <p>Contract:
 * <ul>
 * <li>{@link #call} runs on the kernel thread that owns the calling worker's channel: a core's
 *     thread during a request, or the host's control channel while the application loads (an
 *     application may call at import time, before it is ready). The worker waits for the
 *     answer, so a call answers promptly and hands anything long to a thread of its own. It may
 *     be called from several channels at once.</li>
 * <li>Arguments and values are the frame's fields: latin-1 strings without NUL characters
 *     (a character outside latin-1 travels as {@code ?}).</li>
 * <li>Returning is an {@code ok} {@code RESULT} with the returned values; throwing is an
 *     {@code error} {@code RESULT} with the exception's message, and the kernel logs one line
 *     (no stack trace) naming the call.</li>
 * </ul>
 */
@FunctionalInterface
public interface WorkerCall {

    /** Service property: the call's name, a {@code String} (e.g. {@code "reload"}). */
    String NAME = "uwsgi4j.call";

    /**
     * Answers one call.
     *
     * @param arguments the fields of the {@code CALL} frame after the call's name, in order
     * @return the values of the {@code ok} {@code RESULT}, in order (maybe none)
     * @throws Exception when the call fails: the worker gets an {@code error} {@code RESULT}
     */
    List<String> call(List<String> arguments) throws Exception;

    /**
     * Answers one call from {@code caller}. The default ignores who calls; a call whose answer
     * depends on the caller (signals: which worker's memory holds the handler) overrides it.
     *
     * @param caller    the process that sent the {@code CALL}
     * @param arguments the fields of the {@code CALL} frame after the call's name, in order
     * @return the values of the {@code ok} {@code RESULT}, in order (maybe none)
     * @throws Exception when the call fails: the worker gets an {@code error} {@code RESULT}
     */
    default List<String> call(Caller caller, List<String> arguments) throws Exception {
        return call(arguments);
    }

    /**
     * Who sent a {@code CALL}: the modifier1 of its worker pool, its worker id (0 for a
     * preforking host, whose application is loaded before the workers fork: what it registers
     * is inherited by every worker) and its pid.
     */
    record Caller(int modifier1, int workerId, long pid) {
    }
}
