package org.uwsgi4j.kernel.worker;

import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.WorkerCall;

/**
 * The call {@code reload} (an application's {@code uwsgi.reload()}): a graceful reload of every
 * worker pool, as {@code SIGHUP}, posted to the master's thread; answered {@code ok} at once.
 * The kernel's own call, registered like any plugin's.
 */
@Component(property = WorkerCall.NAME + "=reload")
public final class ReloadCall implements WorkerCall {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadCall.class);
    private final MasterLoop master;

    @Activate
    public ReloadCall(@Reference MasterLoop master) {
        this.master = master;
    }

    @Override
    public List<String> call(List<String> arguments) {
        LOG.info("...gracefully reloading the workers (asked by an application)...");
        master.post(master::reloadAll);
        return List.of();
    }
}
