package org.uwsgi4j.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rule of the option tables (issue 23): every option of the kernel and of every plugin is
 * implemented (and names the test classes that exercise it), implied (its help says why), or
 * refused at start with one line; and real uWSGI's other option names are refused too.
 */
class OptionTablesTest {

    /** Every test class of the repository by simple name: its source text. */
    private static Map<String, String> testSources() {
        Map<String, String> sources = new HashMap<>();
        try (Stream<Path> files = Files.walk(Path.of(".."))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/test/java/")
                    && !p.toString().contains("/target/")).toList()) {
                String name = f.getFileName().toString();
                sources.put(name.substring(0, name.length() - ".java".length()), Files.readString(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sources;
    }

    /** The option's name or an alias, as a whole word ({@code --name}, {@code "name"}, {@code name =}) in {@code text}. */
    private static boolean mentions(String text, OptionSpec spec) {
        return Stream.concat(Stream.of(spec.name()), spec.aliases().stream())
                .anyMatch(n -> Pattern.compile("(?:(?<=--)|(?<![\\w-]))" + Pattern.quote(n) + "(?![\\w-])").matcher(text).find());
    }

    @Test
    void everyImplementedOptionNamesExistingTestClassesThatMentionIt() {
        Map<String, String> tests = testSources();
        List<String> problems = new ArrayList<>();
        for (OptionSpec spec : TestConfigs.catalog().all()) {
            for (String test : spec.status().tests()) {
                String source = tests.get(test);
                if (source == null) {
                    problems.add(spec.owner() + " --" + spec.name() + ": no test class " + test + " in any src/test/java");
                } else if (!mentions(source, spec)) {
                    problems.add(spec.owner() + " --" + spec.name() + ": " + test + " never mentions it");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyImpliedOptionSaysWhyInItsHelp() {
        for (OptionSpec spec : TestConfigs.catalog().all()) {
            if (spec.status().kind() == OptionSpec.Status.Kind.IMPLIED) {
                assertTrue(spec.help().matches(".*\\(implied: .{10,}\\)$"), spec.name() + ": an implied option's help ends with (implied: why)");
            }
        }
    }

    @Test
    void everyRefusedOptionEndsTheStartWithOneLineFromAFileOrTheCommandLine(@TempDir Path dir) throws Exception {
        List<OptionSpec> refused = TestConfigs.catalog().all().stream().filter(OptionSpec::refused).toList();
        assertFalse(refused.isEmpty());
        for (OptionSpec spec : refused) {
            String value = spec.argument() == OptionSpec.Argument.NONE ? "true" : spec.type() == OptionSpec.ValueType.INT ? "1" : "x";
            TestConfigs.write(dir, "app.ini", "[uwsgi]\nhttp-socket = :0\n" + spec.name() + " = " + value + "\n");
            var fromFile = assertThrows(ConfigException.class, () -> TestConfigs.load(dir, "--ini", "app.ini"), spec.name());
            assertEquals("uwsgi4j: option --" + spec.name() + " is not supported yet (app.ini:3)", fromFile.getMessage());
            List<String> argv = spec.argument() == OptionSpec.Argument.NONE ? List.of("--" + spec.name()) : List.of("--" + spec.name(), value);
            var fromArgv = assertThrows(ConfigException.class, () -> TestConfigs.load(dir, argv.toArray(String[]::new)), spec.name());
            assertEquals("uwsgi4j: option --" + spec.name() + " is not supported yet", fromArgv.getMessage());
        }
    }

    @Test
    void uwsgiOptionsNoBundleDeclaresAreRefusedNotTakenForTyposOrPlaceholders(@TempDir Path dir) throws Exception {
        TestConfigs.write(dir, "app.ini", "[uwsgi]\nhttp-socket = :0\nspooler = /tmp/spool\n");
        assertEquals("uwsgi4j: option --spooler is not supported yet (app.ini:3)",
                assertThrows(ConfigException.class, () -> TestConfigs.load(dir, "--ini", "app.ini")).getMessage());
        TestConfigs.write(dir, "ref.ini", "[uwsgi]\nhttp-socket = :0\ncache2 = name=x\nenv = C=%(cache2)\n");
        assertEquals("uwsgi4j: option --cache2 is not supported yet (ref.ini:3)",
                assertThrows(ConfigException.class, () -> TestConfigs.load(dir, "--ini", "ref.ini")).getMessage());
        assertEquals("uwsgi4j: option --emperor is not supported yet",
                assertThrows(ConfigException.class, () -> TestConfigs.load(dir, "--emperor", "/etc/vassals")).getMessage());
        // a set-ph placeholder of the same name is the user's own
        assertEquals(List.of(), TestConfigs.load(dir, "--set-ph", "spooler=/x", "--http-socket", ":0").notices().stream()
                .filter(n -> n.contains("spooler")).toList());
    }

    @Test
    void theUwsgiNamesListHasNoNameABundleDeclares() {
        var catalog = TestConfigs.catalog();
        List<String> declared = TestConfigs.uwsgiNames().stream().filter(n -> catalog.find(n).isPresent()).toList();
        assertEquals(List.of(), declared, "declared by a bundle now: delete these lines from kernel/src/main/resources/"
                + UwsgiOptionNames.ENTRY);
        assertTrue(TestConfigs.uwsgiNames().size() > 700, "the list is uWSGI 2.0.21's, less what the bundles declare: " + TestConfigs.uwsgiNames().size());
    }

    @Test
    void theStatusColumnIsRequiredAndChecked() {
        assertThrows(IllegalArgumentException.class, () -> read("master M none bool once - enable master process\n"));
        assertThrows(IllegalArgumentException.class, () -> read("master M none bool once - implemented: enable\n"));
        assertThrows(IllegalArgumentException.class, () -> read("master M none bool once - done enable master process\n"));
        assertEquals(List.of("SocketsIT", "NginxIT"), read("socket s required string many - implemented:SocketsIT,NginxIT bind\n").status().tests());
        assertEquals(OptionSpec.Status.IMPLIED, read("master M none bool once - implied enable (implied: always)\n").status());
        assertTrue(read("route - required string many - refused add a route\n").refused());
        assertEquals("implemented:A,B", OptionSpec.Status.implemented("A", "B").toString());
    }

    private static OptionSpec read(String line) {
        try {
            return OptionSpecReader.read(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), OptionSpec.CORE, "t").getFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
