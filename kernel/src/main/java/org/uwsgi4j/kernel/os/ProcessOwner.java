package org.uwsgi4j.kernel.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Optional;

/**
 * The user and group this process runs as, read from the owner of {@code /proc/self} (no FFM),
 * for what the log lines and magic variables show. Each fact is empty where the filesystem does
 * not say (no {@code /proc}, no {@code unix:} view): callers pick the fallback they print.
 */
public final class ProcessOwner {

    private static final Path SELF = Path.of("/proc/self");

    private ProcessOwner() {
    }

    /** The numeric user id, as text. */
    public static Optional<String> uid() {
        return attribute("unix:uid");
    }

    /** The numeric group id, as text. */
    public static Optional<String> gid() {
        return attribute("unix:gid");
    }

    /** The group's name (the group database's), or its number when the database has no name for it. */
    public static Optional<String> groupName() {
        try {
            GroupPrincipal group = Files.readAttributes(SELF, PosixFileAttributes.class).group();
            return Optional.ofNullable(group).map(GroupPrincipal::getName);
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> attribute(String name) {
        try {
            return Optional.of(String.valueOf(Files.getAttribute(SELF, name)));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
