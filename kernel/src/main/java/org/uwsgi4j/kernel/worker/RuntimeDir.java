package org.uwsgi4j.kernel.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * The private directory of an instance's worker sockets (mode 0700, {@code --runtime-dir} or a
 * new directory under the system temp dir) and the random token a worker must present.
 * Removed with everything in it when closed (a directory the user named is emptied, not removed).
 */
public final class RuntimeDir implements AutoCloseable {

    private final Path path;
    private final boolean created;
    private final String token;

    private RuntimeDir(Path path, boolean created) {
        this.path = path;
        this.created = created;
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        this.token = HexFormat.of().formatHex(random);
    }

    /** Makes the directory: {@code given} (created 0700 if missing) or a fresh temp one. */
    public static RuntimeDir create(Path given) throws IOException {
        var mode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        if (given == null) {
            return new RuntimeDir(Files.createTempDirectory("uwsgi4j-run-", mode), true);
        }
        boolean created = !Files.exists(given);
        if (created) {
            Files.createDirectories(given, mode);
        }
        Files.setPosixFilePermissions(given, PosixFilePermissions.fromString("rwx------"));
        return new RuntimeDir(given, created);
    }

    public Path path() {
        return path;
    }

    /** The token workers send in their HELLO: 32 hex digits. */
    public String token() {
        return token;
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(path)) {
                    Files.deleteIfExists(p);
                } else if (created) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (java.nio.file.AccessDeniedException dropped) {
                        // made as root in a directory that is not --uid's: left there, empty
                    }
                }
            }
        }
    }
}
