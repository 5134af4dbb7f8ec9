package org.uwsgi4j.kernel.statics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.Options;

/**
 * Reads the static-file options into a {@link StaticFiles}, once at start, with uWSGI's start-up
 * lines ({@code [uwsgi-static] added mapping for /static => /srv/static},
 * {@code building mime-types dictionary from file /etc/mime.types...1545 entry found}). A
 * mapping whose directory does not exist, a malformed value or regular expression, or a
 * {@code --mimefile} that cannot be read stops the start with one line
 * ({@link IllegalArgumentException}).
 */
public final class StaticConfig {

    private static final Logger LOG = LoggerFactory.getLogger(StaticConfig.class);
    /** uWSGI's default on Linux; Debian's media-types package installs it. */
    static final Path DEFAULT_MIME_FILE = Path.of("/etc/mime.types");

    private StaticConfig() {
    }

    /** The static files {@code options} configure ({@link StaticFiles#none()} when no rule is given). */
    public static StaticFiles fromOptions(Options options) {
        return fromOptions(options, DEFAULT_MIME_FILE);
    }

    static StaticFiles fromOptions(Options options, Path defaultMimeFile) {
        List<StaticFiles.Rule> rules = new ArrayList<>();
        for (String dir : options.values("check-static")) {
            rules.add(new StaticFiles.Rule("", realRoot("check-static", dir, dir), false, true));
        }
        for (String map : options.values("static-map")) {
            rules.add(mapping("static-map", map, false));
        }
        for (String map : options.values("static-map2")) {
            rules.add(mapping("static-map2", map, true));
        }
        if (rules.isEmpty()) {
            return StaticFiles.none();
        }
        List<Path> safe = options.values("static-safe").stream().map(s -> Path.of(s).toAbsolutePath().normalize()).toList();
        return new StaticFiles(rules, List.copyOf(options.values("static-index")), List.copyOf(options.values("static-skip-ext")),
                safe, mimeTypes(options, defaultMimeFile), ExpiresRules.fromOptions(options), GzipRules.fromOptions(options));
    }

    private static StaticFiles.Rule mapping(String option, String value, boolean keepPrefix) {
        int eq = value.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException(option + " " + value + ": invalid document root in static map, syntax mountpoint=docroot");
        }
        String mount = value.substring(0, eq);
        String dir = value.substring(eq + 1);
        Path root = realRoot(option, value, dir);
        LOG.info("[uwsgi-static] added mapping for {} => {}", mount, dir);
        return new StaticFiles.Rule(mount, root, Files.isRegularFile(root), keepPrefix);
    }

    private static Path realRoot(String option, String value, String dir) {
        try {
            return Path.of(dir).toRealPath();
        } catch (IOException | InvalidPathException e) {
            throw new IllegalArgumentException(option + " " + value + ": no such directory or file: " + dir);
        }
    }

    private static MimeTypes mimeTypes(Options options, Path defaultMimeFile) {
        List<String> given = options.values("mimefile");
        List<Path> files = given.isEmpty() ? List.of(defaultMimeFile) : given.stream().map(Path::of).toList();
        if (given.isEmpty() && !Files.isReadable(defaultMimeFile)) {
            LOG.warn("building mime-types dictionary from file {}... not found (Debian: apt-get install media-types): static files get no Content-Type",
                    defaultMimeFile);
            return MimeTypes.none();
        }
        try {
            MimeTypes types = MimeTypes.read(files);
            for (Path f : files) {
                LOG.info("building mime-types dictionary from file {}...{} entry found", f, types.size());
            }
            return types;
        } catch (IOException e) {
            throw new IllegalArgumentException("mimefile: cannot read " + e.getMessage());
        }
    }
}
