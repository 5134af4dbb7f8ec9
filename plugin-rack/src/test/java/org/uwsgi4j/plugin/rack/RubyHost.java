package org.uwsgi4j.plugin.rack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The Ruby worker host for the kit's harness: its command, its fixture app, an app that fails to load. */
final class RubyHost {

    private RubyHost() {
    }

    /** {@code ruby DIR/uwsgi4j_worker.rb}, the host copied from the bundle's resource. */
    static List<String> command(Path dir) throws IOException {
        Path worker = copy("uwsgi4j_worker.rb", dir.resolve("uwsgi4j_worker.rb"));
        return List.of("/usr/bin/ruby", worker.toString());
    }

    /** fixture_app.ru as DIR/config.ru (the kit's endpoints and RackHostTest's), loaded with UWSGI4J_RACK. */
    static Map<String, String> fixtureApp(Path dir) throws IOException {
        return Map.of("UWSGI4J_RACK", copy("fixture_app.ru", dir.resolve("config.ru")).toString());
    }

    /** A config.ru that raises NameError at line 2. */
    static Map<String, String> brokenApp(Path dir) throws IOException {
        return Map.of("UWSGI4J_RACK", Files.writeString(dir.resolve("broken.ru"), "require 'json'\nnope()\n").toString());
    }

    /** Copies a resource of this package to {@code to} once. */
    static Path copy(String resource, Path to) throws IOException {
        if (!Files.exists(to)) {
            try (InputStream in = RubyHost.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("no resource " + resource);
                }
                Files.copy(in, to);
            }
        }
        return to;
    }
}
