package org.uwsgi4j.kernel.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.WorkerCall;

/**
 * The {@link WorkerCall}s registered as services, by name, and the answer to a worker's
 * {@code CALL} frame (docs/worker-protocol.md): the fields of its {@code RESULT}.
 *
 * <pre>
 *  CALL name, args…  ─▶ the call of that name ─▶ RESULT ok, values…
 *                       none                   ─▶ RESULT error, "no such call: name"
 *                       it throws              ─▶ RESULT error, its message   (+ one log line)
 * </pre>
 *
 * Thread-safe: service events add and remove, the channels' threads look up, only on a
 * {@code CALL} (nothing is looked up per request).
 */
public final class WorkerCalls {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerCalls.class);
    private final Map<String, WorkerCall> byName;
    /** The modifier1 of the pool whose workers this answers; -1 for the table itself. */
    private final int modifier1;

    public WorkerCalls() {
        this(new ConcurrentHashMap<>(), -1);
    }

    private WorkerCalls(Map<String, WorkerCall> byName, int modifier1) {
        this.byName = byName;
        this.modifier1 = modifier1;
    }

    /** The same calls, answering the workers of the pool of {@code modifier1} (the callers' identity). */
    WorkerCalls forPool(int modifier1) {
        return new WorkerCalls(byName, modifier1);
    }

    /** Registers {@code call} under {@code name}; a later one of the same name replaces it. */
    public void add(String name, WorkerCall call) {
        byName.put(name, call);
    }

    /** Removes {@code call} if it is still the one registered under {@code name}. */
    public void remove(String name, WorkerCall call) {
        byName.remove(name, call);
    }

    /**
     * The fields of the {@code RESULT} that answers a {@code CALL} with {@code fields} (the
     * call's name, then its arguments) from worker {@code workerId} (0: the host) of pid
     * {@code pid}: {@code ok} and the values, or {@code error} and why. Never throws.
     */
    List<String> answer(int workerId, long pid, List<String> fields) {
        String name = fields.isEmpty() ? "" : fields.getFirst();
        WorkerCall call = byName.get(name);
        if (call == null) {
            return List.of("error", "no such call: " + name);
        }
        try {
            List<String> values = call.call(new WorkerCall.Caller(modifier1, workerId, pid),
                    List.copyOf(fields.subList(1, fields.size())));
            List<String> result = new ArrayList<>(values.size() + 1);
            result.add("ok");
            for (String v : values) {
                if (v.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("a value contains a NUL character");
                }
                result.add(v);
            }
            return result;
        } catch (Exception | LinkageError e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.error("!!! worker call {} failed: {} !!!", name, e.toString().replace('\n', ' '));
            return List.of("error", why.replace('\0', '?'));
        }
    }
}
