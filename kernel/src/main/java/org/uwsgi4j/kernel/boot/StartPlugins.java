package org.uwsgi4j.kernel.boot;

import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.plugin.Instance;
import org.uwsgi4j.kernel.plugin.PluginDescriptor;
import org.uwsgi4j.kernel.plugin.PluginSelection;
import org.uwsgi4j.kernel.worker.PoolSettings;

/**
 * Starts the plugins the configuration selects ({@code --plugins}, {@code --autoload}), then
 * publishes the {@link Instance}, the {@link Options} and the workers' {@link PoolSettings}.
 */
final class StartPlugins implements BootStep {

    private static final Logger LOG = LoggerFactory.getLogger(StartPlugins.class);

    @Override
    public boolean run(Boot boot) throws StartupException {
        List<PluginDescriptor> selected;
        try {
            selected = PluginSelection.select(boot.loaded.options(), boot.loaded.specs(), boot.loaded.plugins());
        } catch (PluginSelection.UnknownPluginException e) {
            throw new StartupException(e.getMessage());
        }
        for (PluginDescriptor plugin : selected) {
            try {
                Bundle bundle = boot.context.installBundle(plugin.location());
                bundle.start();
                LOG.info("plugin {} {} loaded", plugin.name(), plugin.version());
            } catch (BundleException e) {
                throw new StartupException("!!! UNABLE to load uWSGI plugin: " + plugin.name() + ": " + e.getMessage() + " !!!");
            }
        }
        boot.register(Instance.class, new Instance(boot.options, boot.loaded.specs(), boot.loaded.plugins(), boot.version, boot.home));
        boot.register(Options.class, boot.options);
        boot.register(PoolSettings.class, boot.pool);
        return true;
    }
}
