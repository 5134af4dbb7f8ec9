package org.uwsgi4j.plugin.psgi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The Perl worker host for the kit's harness: its command, its fixture app, an app that fails to load. */
final class PerlHost {

    private PerlHost() {
    }

    /** {@code perl DIR/uwsgi4j_worker.pl}, the host copied from the bundle's resource. */
    static List<String> command(Path dir) throws IOException {
        Path worker = copy(PerlHost.class.getResourceAsStream(PsgiRuntime.HOST_SCRIPT), dir.resolve(PsgiRuntime.HOST_SCRIPT));
        return List.of("/usr/bin/perl", worker.toString());
    }

    /** fixture_app.psgi as DIR/app.psgi (the kit's endpoints and PsgiHostTest's), loaded with UWSGI4J_PSGI. */
    static Map<String, String> fixtureApp(Path dir) throws IOException {
        return Map.of("UWSGI4J_PSGI", copy(PerlHost.class.getResourceAsStream("fixture_app.psgi"), dir.resolve("app.psgi")).toString());
    }

    /** An app that dies at line 2 of its file. */
    static Map<String, String> brokenApp(Path dir) throws IOException {
        return Map.of("UWSGI4J_PSGI", Files.writeString(dir.resolve("broken.psgi"), "use strict;\ndie 'no app here';\n").toString());
    }

    private static Path copy(InputStream resource, Path to) throws IOException {
        if (!Files.exists(to)) {
            try (InputStream in = resource) {
                Files.copy(in, to);
            }
        }
        return to;
    }
}
