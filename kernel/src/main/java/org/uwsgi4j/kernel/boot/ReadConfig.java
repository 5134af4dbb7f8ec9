package org.uwsgi4j.kernel.boot;

import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.launcher.api.ProcessExit;

/**
 * Reads the configuration (the kernel's and every available plugin's option specs, {@link
 * ConfigStep}); with no argument prints the usage and exits 1; answers {@code --version},
 * {@code --help} and {@code --plugins-list} on stdout and exits 0; prints {@code --cheaper-algos-list}
 * on stderr (the log) and goes on, as uWSGI does.
 */
final class ReadConfig implements BootStep {

    @Override
    public boolean run(Boot boot) throws Exception {
        if (boot.argv.isEmpty()) {
            System.out.print(Usage.text());
            return boot.exit(ProcessExit.FAILURE);
        }
        boot.loaded = ConfigStep.load(boot.context.getBundle(), boot.home, boot.argv);
        boot.options = boot.loaded.options();
        KernelSettings kernel = KernelSettings.from(boot.options);
        if (boot.options.isTrue("cheaper-algos-list")) {
            System.err.print(CheaperAlgosList.render(boot.loaded.plugins()));
            System.err.flush();
        }
        if (kernel.version()) {
            System.out.println(boot.version);
        } else if (kernel.help()) {
            System.out.print(ConfigStep.help(boot.loaded));
        } else if (kernel.pluginsList()) {
            System.out.print(PluginsList.render(boot.loaded.plugins()));
        } else {
            boot.kernel = kernel;
            return true;
        }
        System.out.flush();
        return boot.exit(ProcessExit.SUCCESS);
    }
}
