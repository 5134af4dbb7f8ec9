package org.uwsgi4j.kernel.boot;

import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.dispatch.Mount;
import org.uwsgi4j.kernel.dispatch.Mounts;
import org.uwsgi4j.kernel.plugin.Instance;
import org.uwsgi4j.kernel.plugin.PluginDescriptor;
import org.uwsgi4j.kernel.plugin.PluginSelection;
import org.uwsgi4j.kernel.worker.PoolSettings;

/**
 * Starts the plugins the configuration selects ({@code --plugins}, the options it uses, the
 * apps it mounts), then publishes the {@link Instance}, the {@link Options}, the workers'
 * {@link PoolSettings} and the {@link Mounts} (each with the runtime that claimed its app; a
 * router takes slot 0 when they belong to more than one runtime).
 */
final class StartPlugins implements BootStep {

    private static final Logger LOG = LoggerFactory.getLogger(StartPlugins.class);

    @Override
    public boolean run(Boot boot) throws StartupException {
        List<PluginDescriptor> selected;
        List<Mount> mounts = new ArrayList<>();
        try {
            selected = PluginSelection.select(boot.loaded.options(), boot.loaded.specs(), boot.loaded.plugins());
            for (String mount : boot.options.values(PluginSelection.MOUNT)) {
                PluginDescriptor claimant = PluginSelection.claimant(boot.loaded.plugins(), mount);
                mounts.add(Mount.of(mount, claimant.name(), claimant.modifier1()));
            }
        } catch (PluginSelection.UnknownPluginException e) {
            throw new StartupException(e.getMessage());
        }
        Mounts routes = new Mounts(mounts, boot.options.isTrue("manage-script-name"));
        boot.modifiers.table().routeMounts(routes);
        for (PluginDescriptor plugin : selected) {
            try {
                Bundle bundle = boot.context.installBundle(plugin.location());
                bundle.start();
                boot.plugins.put(bundle, plugin.name());
                LOG.info("plugin {} {} loaded", plugin.name(), plugin.version());
            } catch (BundleException e) {
                throw new StartupException("!!! UNABLE to load uWSGI plugin: " + plugin.name() + ": " + e.getMessage() + " !!!");
            }
        }
        boot.register(Instance.class, new Instance(boot.options, boot.loaded.specs(), boot.loaded.plugins(), boot.version, boot.home));
        boot.register(Options.class, boot.options);
        boot.register(PoolSettings.class, boot.pool);
        boot.register(Mounts.class, routes);
        return true;
    }
}
