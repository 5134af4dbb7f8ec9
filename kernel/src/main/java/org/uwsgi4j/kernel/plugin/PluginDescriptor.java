package org.uwsgi4j.kernel.plugin;

import java.util.List;
import java.util.Locale;
import org.uwsgi4j.kernel.config.OptionSpec;

/**
 * What a plugin jar says about itself without running any of its code: its name and
 * aliases, the modifier1 it serves, its bundle identity and its option specs.
 *
 * @param name         the name users write in {@code --plugins} (e.g. {@code python})
 * @param aliases      other accepted names (e.g. {@code python3})
 * @param modifier1    the modifier1 its runtime serves, or -1 when it serves none
 * @param symbolicName the bundle's symbolic name
 * @param version      the bundle's version
 * @param location     where the bundle comes from (a file: URI)
 * @param options      the options it declares
 */
public record PluginDescriptor(String name, List<String> aliases, int modifier1, String symbolicName,
                               String version, String location, List<OptionSpec> options) {

    public PluginDescriptor {
        aliases = List.copyOf(aliases);
        options = List.copyOf(options);
    }

    /** True when {@code requested} names this plugin, by name or alias, ignoring case. */
    public boolean answersTo(String requested) {
        String wanted = requested.toLowerCase(Locale.ROOT);
        return name.equals(wanted) || aliases.contains(wanted);
    }
}
