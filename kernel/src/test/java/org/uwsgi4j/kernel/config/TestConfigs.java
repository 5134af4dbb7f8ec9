package org.uwsgi4j.kernel.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared test helpers: the real option catalog, fixed host facts, files in a temp dir. */
final class TestConfigs {

    static final HostFacts HOST = new HostFacts("testhost", "9.9.9", 3, "1000", "alice", "100", "staff",
            1_700_000_000_123_456L, false);

    private TestConfigs() {
    }

    /** Specs by owner: the kernel's (from the class path) and each plugin-* module's options file. */
    static Map<String, List<OptionSpec>> specsByOwner() {
        Map<String, List<OptionSpec>> groups = new LinkedHashMap<>();
        try (InputStream in = TestConfigs.class.getResourceAsStream("/OSGI-INF/uwsgi4j/options")) {
            groups.put(OptionSpec.CORE, OptionSpecReader.read(in, OptionSpec.CORE, "kernel options"));
            for (Path file : pluginOptionFiles()) {
                String owner = pluginName(file.getName(0).toString());
                try (InputStream pin = Files.newInputStream(Path.of("..").resolve(file))) {
                    groups.put(owner, OptionSpecReader.read(pin, owner, file.toString()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return groups;
    }

    /**
     * The plugin name of module {@code dir} as its bundle declares it ({@code uwsgi4j.plugin.name}
     * in its bnd.bnd: {@code cheaper_busyness}, as in uWSGI), else the directory's name after {@code plugin-}.
     */
    private static String pluginName(String dir) throws IOException {
        Path bnd = Path.of("..", dir, "bnd.bnd");
        if (Files.isRegularFile(bnd)) {
            for (String line : Files.readAllLines(bnd)) {
                if (line.startsWith("uwsgi4j.plugin.name:")) {
                    return line.substring("uwsgi4j.plugin.name:".length()).strip();
                }
            }
        }
        return dir.substring("plugin-".length());
    }

    /** Paths, relative to the repository root, of every plugin's options file, sorted. */
    static List<Path> pluginOptionFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of(".."), "plugin-*")) {
            for (Path dir : dirs) {
                Path rel = Path.of(dir.getFileName().toString(), "src/main/resources/OSGI-INF/uwsgi4j/options");
                if (Files.isRegularFile(Path.of("..").resolve(rel))) {
                    out.add(rel);
                }
            }
        }
        out.sort(null);
        return out;
    }

    static OptionCatalog catalog() {
        return new OptionCatalog(specsByOwner().values().stream().flatMap(List::stream).toList(), uwsgiNames());
    }

    /** The kernel's list of real uWSGI option names no bundle declares. */
    static List<String> uwsgiNames() {
        try (InputStream in = TestConfigs.class.getResourceAsStream("/" + UwsgiOptionNames.ENTRY)) {
            return UwsgiOptionNames.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ConfigLoader loader(Path cwd, Map<String, String> env) {
        return new ConfigLoader(catalog(), env, cwd, HOST);
    }

    static ResolvedConfig load(Path cwd, String... argv) throws ConfigException {
        return loader(cwd, Map.of()).load(List.of(argv));
    }

    static Path write(Path dir, String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    /** "key = value" lines of the resolved list, keys as written, null as "true". */
    static List<String> lines(ResolvedConfig config) {
        return config.list().stream().map(e -> e.key() + " = " + (e.value() == null ? "true" : e.value())).toList();
    }
}
