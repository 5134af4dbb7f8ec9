package org.uwsgi4j.kernel.boot;

import java.io.IOException;
import java.util.Optional;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.launcher.api.KernelStartedBundles;

/**
 * Starts the Gogo console on the terminal ({@code --shell}) and serves the Gogo shell on the
 * {@code --shell-socket} that {@link BindShell} bound.
 */
final class StartShell implements BootStep {

    private static final Logger LOG = LoggerFactory.getLogger(StartShell.class);
    private static final String GOGO_SHELL = KernelStartedBundles.GOGO_SHELL;

    @Override
    public boolean run(Boot boot) throws StartupException, IOException, BundleException {
        if (boot.kernel.shell()) {
            Optional<Bundle> gosh = boot.coreBundle(GOGO_SHELL);
            if (gosh.isEmpty()) {
                throw new StartupException("--shell: the distribution has no " + GOGO_SHELL + " bundle in lib/core");
            }
            gosh.get().start();
        }
        if (boot.shell == null) {
            return true;
        }
        var ref = boot.context.getServiceReference(CommandProcessor.class);
        CommandProcessor processor = ref == null ? null : boot.context.getService(ref);
        if (processor == null) {
            throw new StartupException("shell-socket: the Gogo runtime is not running");
        }
        boot.onStop(() -> boot.context.ungetService(ref));
        boot.shell.serve(processor, boot.log::reclaimSystemErr);
        LOG.info("shell: Gogo shell bound on {}", boot.shell.name());
        return true;
    }
}
