package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uwsgi4j.dist.fixture.RefusingComponent;

/**
 * A plugin component whose {@code activate} throws, on the real distribution: started with the
 * server, a refusal ({@link IllegalArgumentException}) ends the start with one line naming the
 * plugin and the reason, exit code 1, no stack trace; a fault ends it the same way, and its stack
 * trace is in the log for the plugin's author; dropped in while the server runs, the failure is
 * one log line and the server goes on serving.
 */
class PluginComponentFailureIT {

    private static final String COMPONENT_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="refusing" immediate="true" activate="activate">
              <implementation class="%s"/>
              <reference name="options" interface="org.uwsgi4j.kernel.api.Options" field="options"/>
            </scr:component>
            """.formatted(RefusingComponent.class.getName());

    @TempDir
    Path cwd;

    @Test
    void aRefusalAtStartIsOneLineAndExitCode1() throws Exception {
        Path plugins = pluginsDir();
        var result = UwsgiProcess.run(cwd, "--plugins-dir", plugins.toString(), "--plugin", "refusing",
                "--http-socket", "127.0.0.1:0", "--refuse-spec", "soon");
        assertEquals(1, result.exitCode(), result.output());
        assertEquals("!!! UNABLE to start uWSGI plugin refusing: --refuse-spec 'soon': not a number !!!", result.lines().getLast());
        assertTrue(result.lines().stream().noneMatch(l -> l.startsWith("\tat ")), "no stack trace:\n" + result.output());
        assertTrue(result.lines().stream().noneMatch(l -> l.contains("is ready")), result.output());
    }

    @Test
    void aFaultAtStartEndsTheStartAndLogsItsStackTrace() throws Exception {
        Path plugins = pluginsDir();
        var result = UwsgiProcess.run(cwd, "--plugins-dir", plugins.toString(), "--plugin", "refusing",
                "--http-socket", "127.0.0.1:0", "--refuse-spec", "fault");
        assertEquals(1, result.exitCode(), result.output());
        assertEquals("!!! UNABLE to start uWSGI plugin refusing: java.lang.IllegalStateException: the refusing component broke !!!",
                result.lines().getLast());
        assertTrue(result.lines().stream().anyMatch(l -> l.startsWith("\tat " + RefusingComponent.class.getName() + ".activate")),
                "the fault's stack trace is logged:\n" + result.output());
    }

    @Test
    void aValueItAcceptsStartsTheServer() throws Exception {
        Path plugins = pluginsDir();
        try (var server = UwsgiProcess.start(cwd, "--plugins-dir", plugins.toString(), "--plugin", "refusing,echo",
                "--http-socket", "127.0.0.1:0", "--http-socket-modifier1", "101", "--refuse-spec", "42")) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            assertEquals(200, get(port));
        }
    }

    @Test
    void aComponentThatFailsWhenDroppedInIsLoggedAndTheServerGoesOn() throws Exception {
        Path drop = Files.createDirectory(cwd.resolve("drop"));
        Path jar = jar(cwd.resolve("refusing.jar"));
        try (var server = UwsgiProcess.start(cwd, "--plugin", "echo", "--http-socket", "127.0.0.1:0",
                "--http-socket-modifier1", "101", "--bundles-dir", drop.toString())) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            Files.copy(jar, drop.resolve("refusing.jar"));
            server.awaitLine(".*\\[.*RefusingComponent\\(\\d+\\)\\] : The activate method has thrown an exception: --refuse-spec '': not a number",
                    Duration.ofSeconds(10));
            assertEquals(200, get(port));
            assertTrue(server.isAlive());
            assertTrue(server.output().lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace:\n" + server.output());
        }
    }

    private static int get(int port) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    private Path pluginsDir() throws IOException {
        Path dir = Files.createDirectories(cwd.resolve("plugins"));
        jar(dir.resolve("refusing.jar"));
        return dir;
    }

    /** The plugin jar: capability, option spec, component XML and the fixture's class. */
    private static Path jar(Path jar) throws IOException {
        var manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "org.example.refusing");
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package", "org.uwsgi4j.kernel.api");
        main.putValue("Service-Component", "OSGI-INF/refusing.xml");
        main.putValue("Provide-Capability", "uwsgi4j.plugin;uwsgi4j.plugin=refusing;version:Version=\"1.0.0\"");
        String classFile = RefusingComponent.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar); var out = new JarOutputStream(file, manifest)) {
            entry(out, "OSGI-INF/refusing.xml", COMPONENT_XML.getBytes(StandardCharsets.UTF_8));
            entry(out, "OSGI-INF/uwsgi4j/options", "refuse-spec - required string once - implemented:PluginComponentFailureIT a number the plugin checks\n".getBytes(StandardCharsets.UTF_8));
            try (InputStream in = RefusingComponent.class.getClassLoader().getResourceAsStream(classFile)) {
                entry(out, classFile, in.readAllBytes());
            }
        }
        return jar;
    }

    private static void entry(JarOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(bytes);
        out.closeEntry();
    }
}
