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
 * @param mounts       the {@code --mount} apps it claims, as patterns where {@code *} is any text
 *                     ({@code *.py}, {@code *:*}): a mount of such an app loads it and runs in its pool
 * @param values       {@code option=value} pairs that load it ({@code cheaper-algo=busyness}), for a
 *                     plugin chosen by the value of a kernel option
 */
public record PluginDescriptor(String name, List<String> aliases, int modifier1, String symbolicName,
                               String version, String location, List<OptionSpec> options,
                               List<String> mounts, List<String> values) {

    public PluginDescriptor {
        aliases = List.copyOf(aliases);
        options = List.copyOf(options);
        mounts = List.copyOf(mounts);
        values = List.copyOf(values);
    }

    /** A plugin that claims no mount and no option value. */
    public PluginDescriptor(String name, List<String> aliases, int modifier1, String symbolicName,
                            String version, String location, List<OptionSpec> options) {
        this(name, aliases, modifier1, symbolicName, version, location, options, List.of(), List.of());
    }

    /** True when one of its {@link #mounts} patterns matches the whole of {@code app}. */
    public boolean claimsMount(String app) {
        return mounts.stream().anyMatch(pattern -> glob(pattern, app));
    }

    /** True when it declares {@code option=value} among its {@link #values}. */
    public boolean keyedBy(String option, String value) {
        return values.contains(option + "=" + value);
    }

    /** {@code *} matches any text, anything else itself. */
    private static boolean glob(String pattern, String text) {
        int star = pattern.indexOf('*');
        if (star < 0) {
            return pattern.equals(text);
        }
        String head = pattern.substring(0, star);
        if (!text.startsWith(head)) {
            return false;
        }
        String rest = pattern.substring(star + 1);
        for (int i = head.length(); i <= text.length(); i++) {
            if (glob(rest, text.substring(i))) {
                return true;
            }
        }
        return false;
    }

    /** True when {@code requested} names this plugin, by name or alias, ignoring case. */
    public boolean answersTo(String requested) {
        String wanted = requested.toLowerCase(Locale.ROOT);
        return name.equals(wanted) || aliases.contains(wanted);
    }
}
