package org.uwsgi4j.kernel.boot;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.shell.ShellServer;
import org.uwsgi4j.launcher.api.KernelStartedBundles;

/**
 * Starts the Gogo console on the terminal ({@code --shell}) and serves the Gogo shell on
 * {@code --shell-socket} (loopback only unless {@code --shell-socket-public}).
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
        Optional<String> address = boot.kernel.shellSocket();
        if (address.isEmpty()) {
            return true;
        }
        InetSocketAddress bind = ShellAddress.parse(address.get());
        if (!bind.getAddress().isLoopbackAddress()) {
            if (!boot.kernel.shellSocketPublic()) {
                throw new StartupException("shell-socket " + address.get()
                        + ": refusing a non-loopback address (the shell can run any command; add --shell-socket-public to allow it)");
            }
            LOG.warn("*** WARNING: the shell on {} is reachable from the network: anyone who connects can run any command ***", address.get());
        }
        var ref = boot.context.getServiceReference(CommandProcessor.class);
        CommandProcessor processor = ref == null ? null : boot.context.getService(ref);
        if (processor == null) {
            throw new StartupException("shell-socket: the Gogo runtime is not running");
        }
        boot.onStop(() -> boot.context.ungetService(ref));
        ShellServer server = ShellServer.start(processor, bind);
        boot.onStop(server);
        LOG.info("shell: Gogo shell bound on {}:{}", server.address().getAddress().getHostAddress(), server.address().getPort());
        return true;
    }
}
