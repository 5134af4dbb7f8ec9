package org.uwsgi4j.kernel.boot;

import java.io.IOException;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.launcher.api.KernelStartedBundles;

/**
 * Starts the Gogo console on the terminal ({@code --shell}) and serves the Gogo shell on the
 * {@code --shell-socket} that {@link BindShell} bound. The Gogo runtime and Felix's commands
 * start only here, when a shell is asked for: an instance without one does not pay for them.
 */
final class StartShell implements BootStep {

    private static final Logger LOG = LoggerFactory.getLogger(StartShell.class);
    private static final String GOGO_SHELL = KernelStartedBundles.GOGO_SHELL;

    @Override
    public boolean run(Boot boot) throws StartupException, IOException, BundleException {
        if (!boot.kernel.shell() && boot.shell == null) {
            return true;
        }
        String option = boot.kernel.shell() ? "--shell" : "shell-socket";
        required(boot, KernelStartedBundles.GOGO_RUNTIME, option).start();
        required(boot, KernelStartedBundles.GOGO_COMMAND, option).start();
        if (boot.kernel.shell()) {
            required(boot, GOGO_SHELL, option).start();
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

    private static Bundle required(Boot boot, String symbolicName, String option) throws StartupException {
        return boot.coreBundle(symbolicName).orElseThrow(() ->
                new StartupException(option + ": the distribution has no " + symbolicName + " bundle in lib/core"));
    }
}
