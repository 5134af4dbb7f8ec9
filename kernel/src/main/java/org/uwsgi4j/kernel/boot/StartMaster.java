package org.uwsgi4j.kernel.boot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.WorkerDeathWatcher;
import org.uwsgi4j.kernel.worker.MasterLoop;
import org.uwsgi4j.kernel.worker.RuntimeDir;
import org.uwsgi4j.launcher.api.SignalHandler;

/**
 * Makes the runtime directory and starts the master (published later by {@link PublishMaster}),
 * takes the process's signals ({@link MasterSignals}) and watches the {@code --touch-*reload} files
 * and {@code --touch-logreopen}/{@code --touch-logrotate} ({@code --log-reopen} reopens the log at
 * each reload).
 */
final class StartMaster implements BootStep {

    private static final Logger LOG = LoggerFactory.getLogger(StartMaster.class);

    @Override
    public boolean run(Boot boot) throws StartupException {
        RuntimeDir dir;
        try {
            dir = RuntimeDir.create(boot.kernel.runtimeDir().orElse(null));
        } catch (IOException e) {
            throw new StartupException("runtime-dir: " + e.getMessage());
        }
        boot.runtimeDir = dir.path();
        MasterLoop master = new MasterLoop(dir, boot::exit);
        boot.onStop(dir);
        boot.onStop(() -> master.shutdown(boot.shutdownMercy()));
        boot.register(SignalHandler.class, new MasterSignals(master, boot.exit, () -> boot.stopAccepting.forEach(Runnable::run)));
        List<Path> touched = boot.kernel.touchReload();
        if (!touched.isEmpty()) {
            master.watchTouch(touched, path -> {
                LOG.info("*** {} has been touched... grace them all !!! ***", path);
                master.reloadAll();
            });
        }
        List<Path> chained = boot.kernel.touchChainReload();
        if (!chained.isEmpty()) {
            master.watchTouch(chained, path -> {
                LOG.info("*** {} has been touched... chain reload !!! ***", path);
                master.chainReloadAll();
            });
        }
        List<Path> reopen = boot.options.values("touch-logreopen").stream().map(Path::of).toList();
        if (!reopen.isEmpty()) {
            master.watchTouch(reopen, path -> boot.log.reopen());
        }
        List<Path> rotate = boot.options.values("touch-logrotate").stream().map(Path::of).toList();
        if (!rotate.isEmpty()) {
            master.watchTouch(rotate, path -> boot.log.rotate());
        }
        if (boot.options.isTrue("log-reopen")) {
            master.onReload(boot.log::reopen);
        }
        master.onWorkerDeath((modifier1, id, pid, signal, status) ->
                boot.each(WorkerDeathWatcher.class, w -> w.died(modifier1, id, pid, signal, status)));
        boot.master = master;
        return true;
    }
}
