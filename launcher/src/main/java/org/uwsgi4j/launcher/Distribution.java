package org.uwsgi4j.launcher;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The layout of an installed distribution, found from the launcher jar's own location:
 *
 * <pre>
 * HOME/bin/uwsgi4j      the command
 * HOME/lib/*.jar        launcher, Felix framework, SLF4J (the class path)
 * HOME/lib/core/*.jar   the bundles every instance runs (kernel, SCR, Gogo, FileInstall)
 * HOME/plugins/*.jar    plugin bundles, started when selected (--plugins or autoload)
 * HOME/bundles/         the default drop-in directory
 * </pre>
 *
 * @param home the distribution's root directory
 */
record Distribution(Path home) {

    static Distribution locate() {
        try {
            Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return new Distribution(jar.getParent().getParent());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the uwsgi4j distribution: " + e.getMessage(), e);
        }
    }

    Path coreDir() {
        return home.resolve("lib").resolve("core");
    }

    /** The core bundle jars, sorted by file name. */
    List<Path> coreBundles() throws IOException {
        try (Stream<Path> files = Files.list(coreDir())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
    }
}
