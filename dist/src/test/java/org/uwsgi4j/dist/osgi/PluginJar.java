package org.uwsgi4j.dist.osgi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a plugin jar of the distribution declares, read straight from the jar (independently of
 * the kernel's own reader, so the test checks the kernel against the data, not against itself):
 * the plugin name from its {@code uwsgi4j.plugin} capability and the canonical option names from
 * {@code OSGI-INF/uwsgi4j/options} (first word of each non-comment line, first of its
 * comma-separated names).
 *
 * @param jar     the jar in {@code HOME/plugins}
 * @param name    the plugin name
 * @param version the jar's {@code Bundle-Version}
 * @param options the canonical option names, in declared order
 */
record PluginJar(Path jar, String name, String version, List<String> options) {

    private static final Pattern PLUGIN_NAME = Pattern.compile("(?:^|[;,])\\s*uwsgi4j\\.plugin=\"?([A-Za-z0-9_.-]+)");

    /** Every plugin jar in {@code home/plugins}, sorted by file name. */
    static List<PluginJar> all(Path home) {
        try (Stream<Path> files = Files.list(home.resolve("plugins"))) {
            List<PluginJar> jars = new ArrayList<>();
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted(Comparator.comparing(Path::toString)).toList()) {
                read(jar).ifPresent(jars::add);
            }
            return jars;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The plugin jar named {@code name} in {@code home/plugins}; fails when there is none. */
    static PluginJar named(Path home, String name) {
        return all(home).stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no plugin named " + name + " in " + home.resolve("plugins")));
    }

    /**
     * A plugin jar that declares options: {@code preferred} if it does, else the first that does.
     * Fails, naming every plugin seen, when none declares any.
     */
    static PluginJar withOptions(Path home, String preferred) {
        List<PluginJar> all = all(home);
        List<PluginJar> withOptions = all.stream().filter(p -> !p.options().isEmpty()).toList();
        return withOptions.stream().filter(p -> p.name().equals(preferred)).findFirst()
                .or(() -> withOptions.stream().findFirst())
                .orElseThrow(() -> new AssertionError("no plugin in " + home.resolve("plugins")
                        + " declares options in OSGI-INF/uwsgi4j/options; plugins seen: "
                        + all.stream().map(PluginJar::name).toList()));
    }

    /** The {@code file:} URL the bundle is installed from. */
    String location() {
        return jar.toUri().toString();
    }

    private static Optional<PluginJar> read(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            var manifest = file.getManifest();
            String capability = manifest == null ? null : manifest.getMainAttributes().getValue("Provide-Capability");
            Matcher m = capability == null ? null : PLUGIN_NAME.matcher(capability);
            if (m == null || !m.find()) {
                return Optional.empty();
            }
            List<String> options = new ArrayList<>();
            var entry = file.getJarEntry("OSGI-INF/uwsgi4j/options");
            if (entry != null) {
                try (var in = new BufferedReader(new InputStreamReader(file.getInputStream(entry), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        String trimmed = line.strip();
                        if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                            options.add(trimmed.split("\\s+", 2)[0].split(",", 2)[0]);
                        }
                    }
                }
            }
            String version = manifest.getMainAttributes().getValue("Bundle-Version");
            return Optional.of(new PluginJar(jar, m.group(1), version == null ? "0.0.0" : version.strip(), List.copyOf(options)));
        }
    }
}
