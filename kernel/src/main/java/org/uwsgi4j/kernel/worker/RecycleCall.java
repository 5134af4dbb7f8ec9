package org.uwsgi4j.kernel.worker;

import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.uwsgi4j.kernel.api.WorkerCall;

/**
 * The call {@code recycle PID}: the worker whose process is PID (the caller's own: PSGI's
 * {@code psgix.harakiri.commit}) is recycled gracefully, as {@code --max-requests} does (it
 * finishes the request in hand, is stopped and respawned; not a death), posted to the master's
 * thread; answered {@code ok} at once. A pid that is no current worker's changes nothing.
 * The kernel's own call, registered like any plugin's.
 */
@Component(property = WorkerCall.NAME + "=recycle")
public final class RecycleCall implements WorkerCall {

    private final MasterLoop master;

    @Activate
    public RecycleCall(@Reference MasterLoop master) {
        this.master = master;
    }

    @Override
    public List<String> call(List<String> arguments) {
        if (arguments.size() != 1 || !arguments.getFirst().matches("[1-9][0-9]{0,9}")) {
            throw new IllegalArgumentException("recycle: expected the worker's pid, got " + arguments);
        }
        long pid = Long.parseLong(arguments.getFirst());
        master.post(() -> master.recycle(pid, "asked by the application"));
        return List.of();
    }
}
