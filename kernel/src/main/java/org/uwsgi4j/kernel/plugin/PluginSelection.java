package org.uwsgi4j.kernel.plugin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.config.OptionCatalog;
import org.uwsgi4j.kernel.config.OptionSpec;

/**
 * Decides which plugins an instance starts, as uWSGI users expect:
 * <ul>
 * <li>every name in {@code --plugins}/{@code --plugin} (comma lists, repeatable) and in
 *     {@code --need-plugin}, by name or alias; an unknown name is fatal;</li>
 * <li>always (named plugins or not: uWSGI has cron, alarms, routing in its core, so its users
 *     never name them), every plugin that declares an option the configuration uses, every
 *     plugin keyed by an option's value ({@code cheaper-algo=busyness}), and the plugin that
 *     claims each {@code --mount} app by its name ({@code *.py}); a mount no plugin claims is
 *     fatal.</li>
 * </ul>
 * The order is the order of the names, then of the options that pulled plugins in.
 */
public final class PluginSelection {

    /** The kernel's option whose values ({@code MOUNTPOINT=APP}) load the plugin claiming each app. */
    public static final String MOUNT = "mount";

    private PluginSelection() {
    }

    /** The plugins to start; throws with a one-line message when a name is unknown. */
    public static List<PluginDescriptor> select(Options config, OptionCatalog options, PluginCatalog plugins)
            throws UnknownPluginException {
        Map<String, PluginDescriptor> chosen = new LinkedHashMap<>();
        List<String> named = names(config, "plugins");
        for (String name : named) {
            chosen.putIfAbsent(lookup(plugins, name, "--plugins").name(), lookup(plugins, name, "--plugins"));
        }
        for (String name : names(config, "need-plugin")) {
            PluginDescriptor p = lookup(plugins, name, "--need-plugin");
            chosen.putIfAbsent(p.name(), p);
        }
        for (Map.Entry<String, String> entry : config.entries()) {
            String owner = options.find(entry.getKey()).map(OptionSpec::owner).orElse(OptionSpec.CORE);
            if (!owner.equals(OptionSpec.CORE)) {
                plugins.find(owner).ifPresent(p -> chosen.putIfAbsent(p.name(), p));
            }
            String value = entry.getValue() == null ? "true" : entry.getValue();
            plugins.keyedBy(entry.getKey(), value).ifPresent(p -> chosen.putIfAbsent(p.name(), p));
            if (entry.getKey().equals(MOUNT)) {
                PluginDescriptor p = claimant(plugins, value);
                chosen.putIfAbsent(p.name(), p);
            }
        }
        return List.copyOf(chosen.values());
    }

    /** The plugin that claims the app of {@code mount} ({@code MOUNTPOINT=APP}); throws naming the mount. */
    public static PluginDescriptor claimant(PluginCatalog plugins, String mount) throws UnknownPluginException {
        int eq = mount.indexOf('=');
        if (eq < 0) {
            throw new UnknownPluginException("!!! UNABLE to mount " + mount + ": expected MOUNTPOINT=APP !!!");
        }
        String app = mount.substring(eq + 1);
        return plugins.claimant(app).orElseThrow(() -> new UnknownPluginException(
                "!!! UNABLE to mount " + mount + ": no plugin claims " + app + " (" + plugins.mountsForHumans() + ") !!!"));
    }

    private static List<String> names(Options config, String option) {
        List<String> names = new ArrayList<>();
        for (String value : config.values(option)) {
            Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(names::add);
        }
        return names;
    }

    private static PluginDescriptor lookup(PluginCatalog plugins, String name, String option) throws UnknownPluginException {
        return plugins.find(name).orElseThrow(() -> new UnknownPluginException(
                "!!! UNABLE to load uWSGI plugin: no plugin named \"" + name + "\" (" + option + "); available: "
                        + plugins.namesForHumans() + " !!!"));
    }

    /** A plugin name no available plugin answers to, or a mount none claims; the message is the user's one line. */
    public static final class UnknownPluginException extends Exception {
        private static final long serialVersionUID = 1L;

        UnknownPluginException(String message) {
            super(message);
        }
    }
}
