package org.uwsgi4j.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.uwsgi4j.dist.fixture.FileClock;

/**
 * The test's clock: a plugin jar ({@code testclock}, loaded by its option
 * {@code --test-clock-file}) whose {@link FileClock} replaces the system's {@code WallClock}
 * service (a higher ranking), and the file it reads the time from. Not a user option of the
 * distribution and no branch in its code: the clock is a service, and this bundle is another one.
 */
final class TestClock {

    private static final String COMPONENT_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="testclock" activate="activate">
              <implementation class="%s"/>
              <service><provide interface="org.uwsgi4j.kernel.api.WallClock"/></service>
              <property name="service.ranking" type="Integer" value="100"/>
              <reference name="options" interface="org.uwsgi4j.kernel.api.Options" field="options"/>
            </scr:component>
            """.formatted(FileClock.class.getName());

    private final Path file;
    final Path pluginsDir;

    /** Writes the plugin jar into {@code dir}/plugins and sets the clock to {@code start}. */
    TestClock(Path dir, Instant start) throws IOException {
        this.file = dir.resolve("clock.txt");
        this.pluginsDir = Files.createDirectories(dir.resolve("plugins"));
        set(start);
        jar(pluginsDir.resolve("testclock.jar"));
    }

    /** The options that load it: {@code --plugins-dir} and {@code --test-clock-file}. */
    String[] options() {
        return new String[] {"--plugins-dir", pluginsDir.toString(), "--test-clock-file", file.toString()};
    }

    /** Moves the clock (atomically: the server never reads half a file). */
    void set(Instant now) throws IOException {
        Path tmp = file.resolveSibling("clock.tmp");
        Files.writeString(tmp, now.toString());
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void jar(Path jar) throws IOException {
        var manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "org.example.testclock");
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package", "org.uwsgi4j.kernel.api");
        main.putValue("Service-Component", "OSGI-INF/testclock.xml");
        main.putValue("Provide-Capability", "uwsgi4j.plugin;uwsgi4j.plugin=testclock;version:Version=\"1.0.0\"");
        String classFile = FileClock.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(jar); var jarOut = new JarOutputStream(out, manifest)) {
            entry(jarOut, "OSGI-INF/testclock.xml", COMPONENT_XML.getBytes(StandardCharsets.UTF_8));
            entry(jarOut, "OSGI-INF/uwsgi4j/options",
                    "test-clock-file - required string once - implemented:CronIT the file the test's clock reads the time from\n".getBytes(StandardCharsets.UTF_8));
            try (InputStream in = FileClock.class.getClassLoader().getResourceAsStream(classFile)) {
                entry(jarOut, classFile, in.readAllBytes());
            }
        }
    }

    private static void entry(JarOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(bytes);
        out.closeEntry();
    }
}
