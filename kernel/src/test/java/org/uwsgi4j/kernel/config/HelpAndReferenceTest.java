package org.uwsgi4j.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** --help, the generated docs/options.md, and the option spec files themselves. */
class HelpAndReferenceTest {

    private static final Path OPTIONS_MD = Path.of("../docs/options.md");

    @Test
    void helpUsesUwsgiLayoutOneLinePerNameGroupedByOwner() throws Exception {
        var specs = OptionSpecReader.read(new ByteArrayInputStream("""
                socket,uwsgi-socket  s  required string many - implemented:SocketsIT bind to the specified UNIX/TCP socket using default protocol
                master               M  none     bool   once - implied enable master process
                """.getBytes(StandardCharsets.UTF_8)), OptionSpec.CORE, "t");
        var plugin = OptionSpecReader.read(new ByteArrayInputStream(
                "psgi - required string once - implemented:PsgiIT load a psgi app\n".getBytes(StandardCharsets.UTF_8)), "psgi", "t");
        var catalog = new OptionCatalog(java.util.stream.Stream.concat(plugin.stream(), specs.stream()).toList());
        assertEquals("""
                Usage: uwsgi4j [options...]
                    -s|--socket                           bind to the specified UNIX/TCP socket using default protocol
                    -s|--uwsgi-socket                     bind to the specified UNIX/TCP socket using default protocol
                    -M|--master                           enable master process

                [plugin psgi]
                    --psgi                                load a psgi app
                """, HelpPrinter.render(catalog, "uwsgi4j"));
    }

    @Test
    void helpListsEveryNameOfTheRealCatalog() {
        var catalog = TestConfigs.catalog();
        String help = HelpPrinter.render(catalog, "uwsgi4j");
        for (OptionSpec spec : catalog.all()) {
            assertTrue(help.contains("--" + spec.name() + " "), spec.name());
        }
        assertTrue(help.contains("\n[plugin python]\n    --wsgi-file"));
    }

    @Test
    void specFilesHaveNoDuplicateNamesOrShortFlags() {
        Set<String> names = new HashSet<>();
        Set<Character> flags = new HashSet<>();
        for (OptionSpec spec : TestConfigs.catalog().all()) {
            for (String n : java.util.stream.Stream.concat(java.util.stream.Stream.of(spec.name()), spec.aliases().stream()).toList()) {
                assertTrue(names.add(n), "duplicate option name " + n);
            }
            if (spec.shortFlag() != 0) {
                assertTrue(flags.add(spec.shortFlag()), "duplicate short flag -" + spec.shortFlag());
            }
        }
    }

    @Test
    void shortFlagsAreUwsgis() {
        var catalog = TestConfigs.catalog();
        Map<Character, String> uwsgi = Map.ofEntries(Map.entry('s', "socket"), Map.entry('p', "processes"), Map.entry('M', "master"),
                Map.entry('w', "module"), Map.entry('H', "home"), Map.entry('b', "buffer-size"), Map.entry('t', "harakiri"),
                Map.entry('L', "disable-logging"), Map.entry('T', "enable-threads"), Map.entry('d', "daemonize"),
                Map.entry('i', "single-interpreter"), Map.entry('x', "xml"), Map.entry('y', "yaml"), Map.entry('j', "json"),
                Map.entry('h', "help"), Map.entry('S', "set"), Map.entry('C', "chmod-socket"), Map.entry('l', "listen"),
                Map.entry('R', "max-requests"), Map.entry('z', "socket-timeout"), Map.entry('m', "memory-report"),
                Map.entry('r', "reaper"), Map.entry('a', "abstract-socket"), Map.entry('O', "optimize"));
        uwsgi.forEach((flag, name) -> assertEquals(name, catalog.byShortFlag(flag).orElseThrow().name(), "-" + flag));
    }

    @Test
    void docsOptionsMdIsUpToDate() throws Exception {
        String generated = OptionsReference.render(TestConfigs.specsByOwner());
        if (Boolean.getBoolean("uwsgi4j.regenerate")) {
            Files.writeString(OPTIONS_MD, generated);
        }
        String onDisk = Files.exists(OPTIONS_MD) ? Files.readString(OPTIONS_MD) : "";
        assertEquals(generated, onDisk, "docs/options.md is stale: regenerate it with "
                + "`mvn -pl kernel test -Dtest=HelpAndReferenceTest -Duwsgi4j.regenerate=true`");
    }

    @Test
    void referenceShowsEveryColumn() {
        var specs = List.of(new OptionSpec("processes", List.of("workers"), 'p', OptionSpec.Argument.REQUIRED,
                OptionSpec.ValueType.INT, false, "1", "spawn a|b workers", OptionSpec.CORE, OptionSpec.Status.implemented("WorkersIT")));
        String md = OptionsReference.render(Map.of(OptionSpec.CORE, specs));
        assertTrue(md.contains("\n## Kernel (core)\n"));
        assertTrue(md.contains("| `processes` | `workers` | `-p` | required | int | no | `1` | implemented (WorkersIT) | spawn a\\|b workers |\n"), md);
    }
}
