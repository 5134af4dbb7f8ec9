package org.uwsgi4j.kernel.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.config.OptionCatalog;
import org.uwsgi4j.kernel.config.OptionSpec;

class PluginSelectionTest {

    private static OptionSpec spec(String name, String owner) {
        return new OptionSpec(name, List.of(), (char) 0, OptionSpec.Argument.REQUIRED, OptionSpec.ValueType.STRING, false, null, "h", owner,
                OptionSpec.Status.implemented("PluginSelectionTest"));
    }

    private static final PluginCatalog PLUGINS = new PluginCatalog(List.of(
            new PluginDescriptor("python", List.of("python3"), 0, "py", "1", "file:/p", List.of(spec("wsgi-file", "python")),
                    List.of("*.py", "*.wsgi", "*:*"), List.of()),
            new PluginDescriptor("psgi", List.of(), 5, "psgi", "1", "file:/q", List.of(spec("psgi", "psgi")),
                    List.of("*.pl", "*.psgi"), List.of()),
            new PluginDescriptor("echo", List.of(), 101, "echo", "1", "file:/e", List.of())));
    private static final OptionCatalog SPECS = new OptionCatalog(List.of(
            spec("plugins", OptionSpec.CORE), spec("autoload", OptionSpec.CORE), spec("need-plugin", OptionSpec.CORE),
            spec("socket", OptionSpec.CORE), spec("mount", OptionSpec.CORE), spec("cheaper-algo", OptionSpec.CORE),
            spec("wsgi-file", "python"), spec("psgi", "psgi")));

    /** A minimal resolved configuration: entries in order, last value wins. */
    private static Options config(String... pairs) {
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            entries.add(Map.entry(pairs[i], pairs[i + 1]));
        }
        return new Options() {
            public List<Map.Entry<String, String>> entries() { return entries; }
            public Optional<String> value(String n) { return values(n).stream().reduce((a, b) -> b); }
            public List<String> values(String n) { return entries.stream().filter(e -> e.getKey().equals(n)).map(Map.Entry::getValue).toList(); }
            public boolean isTrue(String n) { return value(n).map("true"::equals).orElse(false); }
        };
    }

    private static List<String> names(Options config) throws Exception {
        return PluginSelection.select(config, SPECS, PLUGINS).stream().map(PluginDescriptor::name).toList();
    }

    @Test
    void withoutPluginsTheOptionsPullTheirPluginsIn() throws Exception {
        assertEquals(List.of("psgi", "python"), names(config("socket", ":0", "psgi", "a.psgi", "wsgi-file", "a.py")));
    }

    @Test
    void namedPluginsAliasesAndCommaListsIncluded() throws Exception {
        assertEquals(List.of("python", "echo"), names(config("plugins", "python3, echo", "socket", ":0")));
        assertEquals(List.of("echo", "python"), names(config("plugins", "echo", "plugins", "python")));
    }

    @Test
    void anOptionLoadsItsPluginEvenWhenPluginsNamesOthers() throws Exception {
        // uWSGI: plugins = python3 plus cron = … runs the cron (cron is in uWSGI's core)
        assertEquals(List.of("python", "echo", "psgi"), names(config("plugins", "python3, echo", "psgi", "a.psgi")));
    }

    @Test
    void aMountLoadsThePluginClaimingItsApp() throws Exception {
        assertEquals(List.of("python"), names(config("mount", "/a=app.py")));
        assertEquals(List.of("echo", "python"), names(config("plugins", "echo", "mount", "/a=pkg.mod:app")));
        assertEquals(List.of("python", "psgi"), names(config("mount", "/a=app.wsgi", "mount", "/p=app.psgi")));
    }

    @Test
    void aMountNoPluginClaimsFailsNamingTheMount() {
        var e = assertThrows(PluginSelection.UnknownPluginException.class,
                () -> names(config("plugins", "python", "mount", "/a=app.py", "mount", "/r=config.ru")));
        assertEquals("!!! UNABLE to mount /r=config.ru: no plugin claims config.ru (python: *.py *.wsgi *:*; psgi: *.pl *.psgi) !!!",
                e.getMessage());
        var noApp = assertThrows(PluginSelection.UnknownPluginException.class, () -> names(config("mount", "app.py")));
        assertEquals("!!! UNABLE to mount app.py: expected MOUNTPOINT=APP !!!", noApp.getMessage());
    }

    @Test
    void aPluginKeyedByAnOptionValueLoadsWithThatValueOnly() throws Exception {
        List<PluginDescriptor> withBusyness = new ArrayList<>(PLUGINS.all());
        withBusyness.add(new PluginDescriptor("busyness", List.of(), -1, "b", "1", "file:/b", List.of(), List.of(),
                List.of("cheaper-algo=busyness")));
        PluginCatalog catalog = new PluginCatalog(withBusyness);
        assertEquals(List.of("echo", "busyness"), PluginSelection.select(config("plugins", "echo", "cheaper-algo", "busyness"),
                SPECS, catalog).stream().map(PluginDescriptor::name).toList());
        assertEquals(List.of("python"), PluginSelection.select(config("cheaper-algo", "spare", "wsgi-file", "a.py"),
                SPECS, catalog).stream().map(PluginDescriptor::name).toList());
    }

    @Test
    void autoloadAddsToNamedPlugins() throws Exception {
        assertEquals(List.of("echo", "psgi"), names(config("plugins", "echo", "autoload", "true", "psgi", "a.psgi")));
    }

    @Test
    void unknownNamesFailWithTheAvailableNames() {
        var e = assertThrows(PluginSelection.UnknownPluginException.class, () -> names(config("plugins", "python,nosuch")));
        assertTrue(e.getMessage().contains("no plugin named \"nosuch\" (--plugins); available: echo, psgi, python (python3)"), e.getMessage());
        var need = assertThrows(PluginSelection.UnknownPluginException.class, () -> names(config("need-plugin", "rack")));
        assertTrue(need.getMessage().contains("(--need-plugin)"), need.getMessage());
    }
}
