package org.uwsgi4j.plugin.python;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The Python worker host for the kit's harness: its command, its fixture app, an app that fails to load. */
final class PythonHost {

    private PythonHost() {
    }

    /** {@code python3 DIR/uwsgi4j_worker.py}, the host copied from the bundle's resource; then {@code more}. */
    static List<String> command(Path dir) throws IOException {
        Path worker = copy("uwsgi4j_worker.py", dir.resolve("uwsgi4j_worker.py"));
        return List.of("/usr/bin/python3", worker.toString());
    }

    /** fixture_app.py as DIR/apps.py (the kit's endpoints and WorkerHostTest's), loaded with UWSGI4J_WSGI_FILE. */
    static Map<String, String> fixtureApp(Path dir) throws IOException {
        return Map.of("UWSGI4J_WSGI_FILE", copy("fixture_app.py", dir.resolve("apps.py")).toString());
    }

    /** An app whose module raises NameError at line 2. */
    static Map<String, String> brokenApp(Path dir) throws IOException {
        return Map.of("UWSGI4J_WSGI_FILE", Files.writeString(dir.resolve("broken.py"), "import os\nnope()\n").toString());
    }

    /** Copies a resource of this package to {@code to} once. */
    static Path copy(String resource, Path to) throws IOException {
        if (!Files.exists(to)) {
            try (InputStream in = PythonHost.class.getResourceAsStream(resource)) {
                Files.copy(in, to);
            }
        }
        return to;
    }
}
