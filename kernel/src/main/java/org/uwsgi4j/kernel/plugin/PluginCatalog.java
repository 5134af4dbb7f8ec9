package org.uwsgi4j.kernel.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins available to this instance: every plugin jar in the plugin directories
 * (the distribution's {@code plugins/} first, then each {@code --plugins-dir} in order).
 * A name found twice is taken from the first directory. A jar that cannot be read is
 * logged in one line and skipped.
 */
public final class PluginCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(PluginCatalog.class);
    private final List<PluginDescriptor> plugins;

    public PluginCatalog(List<PluginDescriptor> plugins) {
        this.plugins = List.copyOf(plugins);
    }

    /** Scans {@code dirs} in order; a directory that does not exist is an empty one. */
    public static PluginCatalog scan(List<Path> dirs) {
        List<PluginDescriptor> found = new ArrayList<>();
        for (Path dir : dirs) {
            for (Path jar : jars(dir)) {
                try {
                    PluginJars.read(jar).filter(p -> found.stream().noneMatch(q -> q.name().equals(p.name())))
                            .ifPresent(found::add);
                } catch (IOException e) {
                    LOG.warn("!!! skipping plugin {}: {} !!!", jar, e.getMessage());
                }
            }
        }
        return new PluginCatalog(found);
    }

    private static List<Path> jars(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            LOG.warn("!!! cannot list plugin directory {}: {} !!!", dir, e.getMessage());
            return List.of();
        }
    }

    /** The plugin that answers to {@code name} (name or alias). */
    public Optional<PluginDescriptor> find(String name) {
        return plugins.stream().filter(p -> p.answersTo(name)).findFirst();
    }

    /** The first plugin (in {@link #all} order) that claims the {@code --mount} app {@code app}. */
    public Optional<PluginDescriptor> claimant(String app) {
        return plugins.stream().filter(p -> p.claimsMount(app)).findFirst();
    }

    /** The first plugin loaded by {@code option} having {@code value} ({@code cheaper-algo=busyness}). */
    public Optional<PluginDescriptor> keyedBy(String option, String value) {
        return plugins.stream().filter(p -> p.keyedBy(option, value)).findFirst();
    }

    /** What each plugin mounts, for error messages: {@code python: *.py *.wsgi *:*}; "none" when none does. */
    public String mountsForHumans() {
        List<String> claims = plugins.stream().filter(p -> !p.mounts().isEmpty())
                .map(p -> p.name() + ": " + String.join(" ", p.mounts())).toList();
        return claims.isEmpty() ? "no plugin mounts apps" : String.join("; ", claims);
    }

    /** Every available plugin, in directory then file-name order. */
    public List<PluginDescriptor> all() {
        return plugins;
    }

    /** The names users may write, sorted, for error messages: {@code alarm, cron, python (python3)…}. */
    public String namesForHumans() {
        return String.join(", ", plugins.stream().sorted(java.util.Comparator.comparing(PluginDescriptor::name))
                .map(p -> p.aliases().isEmpty() ? p.name() : p.name() + " (" + String.join(", ", p.aliases()) + ")")
                .toList());
    }
}
