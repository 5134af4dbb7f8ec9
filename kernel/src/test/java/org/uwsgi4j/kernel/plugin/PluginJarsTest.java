package org.uwsgi4j.kernel.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uwsgi4j.kernel.config.OptionSpec;

class PluginJarsTest {

    @TempDir
    Path dir;

    static Path jar(Path file, String capability, String options) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-SymbolicName", "org.example." + file.getFileName().toString().replace(".jar", "") + ";singleton:=true");
        main.putValue("Bundle-Version", "1.2.3");
        if (capability != null) {
            main.putValue("Provide-Capability", capability);
        }
        try (OutputStream out = Files.newOutputStream(file); var jar = new JarOutputStream(out, manifest)) {
            if (options != null) {
                jar.putNextEntry(new JarEntry(PluginJars.OPTIONS_ENTRY));
                jar.write(options.getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
        }
        return file;
    }

    @Test
    void readsNameAliasesModifierVersionAndOptionsWithoutInstalling() throws IOException {
        Path jar = jar(dir.resolve("py.jar"), "uwsgi4j.plugin;uwsgi4j.plugin=python;aliases:List<String>=\"python3\";modifier1:Long=0",
                "# comment\nwsgi-file,file - required string once - implemented:PythonIT load a WSGI file\n");
        PluginDescriptor p = PluginJars.read(jar).orElseThrow();
        assertEquals("python", p.name());
        assertEquals(List.of("python3"), p.aliases());
        assertEquals(0, p.modifier1());
        assertEquals("org.example.py", p.symbolicName());
        assertEquals("1.2.3", p.version());
        assertEquals(jar.toUri().toString(), p.location());
        OptionSpec spec = p.options().getFirst();
        assertEquals("wsgi-file", spec.name());
        assertEquals(List.of("file"), spec.aliases());
        assertEquals("python", spec.owner());
        assertTrue(p.answersTo("PYTHON3"));
    }

    @Test
    void readsTheMountsAndOptionValuesAPluginClaims() throws IOException {
        Path jar = jar(dir.resolve("busyness.jar"), "uwsgi4j.plugin;uwsgi4j.plugin=busyness;aliases:List<String>=\"\";modifier1:Long=-1;"
                + "mounts:List<String>=\"\";values:List<String>=\"cheaper-algo=busyness\"", null);
        PluginDescriptor busyness = PluginJars.read(jar).orElseThrow();
        assertEquals(List.of(), busyness.mounts());
        assertTrue(busyness.keyedBy("cheaper-algo", "busyness"));
        assertTrue(!busyness.keyedBy("cheaper-algo", "spare"));
        Path py = jar(dir.resolve("py.jar"), "uwsgi4j.plugin;uwsgi4j.plugin=python;mounts:List<String>=\"*.py,*.wsgi,*:*\"", null);
        PluginDescriptor python = PluginJars.read(py).orElseThrow();
        assertEquals(List.of("*.py", "*.wsgi", "*:*"), python.mounts());
        assertTrue(python.claimsMount("app.py") && python.claimsMount("pkg.mod:app") && python.claimsMount("/srv/a.wsgi"));
        assertTrue(!python.claimsMount("app.psgi") && !python.claimsMount("app.pyc") && !python.claimsMount("pkg.mod"));
        // a catalog of such jars loads the keyed plugin by the option's value
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Files.move(jar, plugins.resolve("busyness.jar"));
        PluginCatalog catalog = PluginCatalog.scan(List.of(plugins));
        assertEquals("busyness", catalog.keyedBy("cheaper-algo", "busyness").orElseThrow().name());
        assertTrue(catalog.keyedBy("cheaper-algo", "spare").isEmpty());
    }

    @Test
    void aJarWithoutTheCapabilityIsNoPlugin() throws IOException {
        assertTrue(PluginJars.read(jar(dir.resolve("lib.jar"), null, null)).isEmpty());
    }

    @Test
    void malformedSpecsNameTheJarAndLine() throws IOException {
        Path jar = jar(dir.resolve("bad.jar"), "uwsgi4j.plugin;uwsgi4j.plugin=bad", "x - sometimes string once - help\n");
        IOException e = assertThrows(IOException.class, () -> PluginJars.read(jar));
        assertTrue(e.getMessage().contains("bad.jar!/OSGI-INF/uwsgi4j/options:1"), e.getMessage());
    }

    @Test
    void catalogSkipsBrokenJarsAndKeepsTheFirstOfTwoNames() throws IOException {
        Path a = Files.createDirectory(dir.resolve("a"));
        Path b = Files.createDirectory(dir.resolve("b"));
        jar(a.resolve("echo.jar"), "uwsgi4j.plugin;uwsgi4j.plugin=echo;modifier1:Long=101", null);
        Files.writeString(a.resolve("garbage.jar"), "not a zip");
        jar(b.resolve("echo2.jar"), "uwsgi4j.plugin;uwsgi4j.plugin=echo;modifier1:Long=102", null);
        jar(b.resolve("cron.jar"), "uwsgi4j.plugin;uwsgi4j.plugin=cron", null);
        PluginCatalog catalog = PluginCatalog.scan(List.of(a, b, dir.resolve("missing")));
        assertEquals(List.of("echo", "cron"), catalog.all().stream().map(PluginDescriptor::name).toList());
        assertEquals(101, catalog.find("echo").orElseThrow().modifier1());
        assertEquals("cron, echo", catalog.namesForHumans());
    }
}
