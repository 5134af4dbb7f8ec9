package org.uwsgi4j.kernel.security;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * sshd's StrictModes for what loads code into the master (the drop-in directory, every plugins
 * directory, the jars and {@code .cfg} files in them): a path is safe when nobody but its
 * trusted owners can change what it holds.
 *
 * <pre>
 *  the path itself (after symbolic links)   owned by a trusted uid, not writable by group or others
 *  each parent directory, up to /            the same, or owned by root with the sticky bit
 *                                            (/tmp: others cannot rename or replace what they do not own)
 * </pre>
 *
 * The trusted uids are root and the server's user (after {@code --uid}). {@link #problem}
 * names the first path that breaks the rule and why, in words for a one-line error.
 */
public final class CodePaths {

    private static final int GROUP_OTHER_WRITE = 0022;
    private static final int STICKY = 01000;

    private final Set<Integer> trusted;

    /** Trusts root and {@code serverUid}. */
    public CodePaths(int serverUid) {
        this.trusted = Set.copyOf(java.util.List.of(0, serverUid));
    }

    /** Why {@code path} is unsafe (the first path at fault and its fault), or empty when it is safe. */
    public Optional<String> problem(Path path) {
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            return Optional.of(path + ": cannot be read (" + e.getMessage() + ")");
        }
        Optional<String> own = fault(real, false);
        if (own.isPresent()) {
            return own;
        }
        for (Path p = real.getParent(); p != null; p = p.getParent()) {
            Optional<String> parent = fault(p, true);
            if (parent.isPresent()) {
                return parent;
            }
        }
        return Optional.empty();
    }

    /** The file a bundle location names: {@code file:…} or Felix's {@code reference:file:…}; empty for any other. */
    public static Optional<Path> file(String location) {
        String l = location.startsWith("reference:") ? location.substring("reference:".length()) : location;
        if (!l.startsWith("file:")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(URI.create(l)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Optional<String> fault(Path p, boolean parent) {
        int uid;
        int mode;
        try {
            uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.of(p + ": cannot read its owner and mode (" + e.getMessage() + ")");
        }
        if (!trusted.contains(uid)) {
            return Optional.of(p + " is owned by uid " + uid + ", not by " + trustedText());
        }
        boolean stickyRoot = parent && uid == 0 && (mode & STICKY) != 0;
        if ((mode & GROUP_OTHER_WRITE) != 0 && !stickyRoot) {
            String who = (mode & GROUP_OTHER_WRITE) == GROUP_OTHER_WRITE ? "group and others"
                    : (mode & 0020) != 0 ? "its group" : "others";
            return Optional.of(p + " is writable by " + who + " (mode " + String.format("%04o", mode & 07777) + ")");
        }
        return Optional.empty();
    }

    private String trustedText() {
        return new TreeSet<>(trusted).stream().map(u -> u == 0 ? "root" : "uid " + u)
                .collect(Collectors.joining(" or "));
    }
}
