package org.uwsgi4j.kernel.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.os.Credentials;
import org.uwsgi4j.kernel.os.UserDb;

/**
 * uWSGI's privilege drop for the master: once the sockets are bound and before anything is
 * accepted on them, a master started as root becomes {@code --uid}/{@code --gid}.
 *
 * <pre>
 *  real uid 0? ── no ──▶ nothing: --uid/--gid are left to the workers (what they can do)
 *      │ yes
 *      ├─ no --uid ─▶ "uWSGI running as root, you can use --uid/--gid/--chroot options"
 *      ├─ hand the state the master writes later to uid:gid (Felix's bundle cache, the runtime dir)
 *      ├─ --gid ─▶ setgid(gid)                      "setgid() to N"
 *      ├─ groups ─▶ initgroups(user, gid) with both, else setgroups(0)   "set additional group N (name)"
 *      ├─ --uid ─▶ setuid(uid)                      "setuid() to N"
 *      ├─ still uid 0 ─▶ "*** WARNING: you are running uWSGI as root !!! (use the --uid flag) ***"
 *      └─ --uid without --gid, gid still 0 ─▶ "*** WARNING: --uid without --gid: the group stays 0 …"
 *
 * Unlike uWSGI (which keeps root's supplementary groups when --gid is missing), a --uid alone
 * also clears them.
 * </pre>
 *
 * glibc applies each call to every thread of the JVM; as root, setgid/setuid set the real,
 * effective and saved ids. A value is a number or a name (numbers need no entry in the user
 * database). Each failure is one line for a {@link StartupException}.
 */
final class MasterPrivileges {

    private static final Logger LOG = LoggerFactory.getLogger(MasterPrivileges.class);

    private final Credentials credentials;
    private final UserDb users;

    MasterPrivileges(Credentials credentials, UserDb users) {
        this.credentials = credentials;
        this.users = users;
    }

    /**
     * Drops to {@code uid}/{@code gid} when running as root, after giving every file and
     * directory under {@code handOver} to them.
     */
    void drop(Optional<String> uid, Optional<String> gid, List<Path> handOver) throws StartupException {
        if (credentials.uid() != 0) {
            return;
        }
        if (uid.isEmpty()) {
            LOG.info("uWSGI running as root, you can use --uid/--gid/--chroot options");
        }
        OptionalInt toGid = gid.isEmpty() ? OptionalInt.empty() : resolve(users.gid(gid.get()), "gid " + gid.get() + ": no such group");
        OptionalInt toUid = uid.isEmpty() ? OptionalInt.empty() : resolve(users.uid(uid.get()), "uid " + uid.get() + ": no such user");
        if (toUid.isPresent() || toGid.isPresent()) {
            for (Path root : handOver) {
                handOver(root, toUid.orElse(-1), toGid.orElse(-1));
            }
        }
        try {
            if (toGid.isPresent()) {
                LOG.info("setgid() to {}", toGid.getAsInt());
                credentials.setgid(toGid.getAsInt());
            }
            if (toGid.isPresent() && toUid.isPresent()) {
                int u = toUid.getAsInt();
                credentials.initgroups(users.userName(u).orElse(String.valueOf(u)), toGid.getAsInt());
                logAdditionalGroups(toGid.getAsInt());
            } else if (toGid.isPresent() || toUid.isPresent()) {
                credentials.clearGroups();
            }
            if (toUid.isPresent()) {
                LOG.info("setuid() to {}", toUid.getAsInt());
                credentials.setuid(toUid.getAsInt());
            }
        } catch (IOException e) {
            throw new StartupException(e.getMessage());
        }
        if (credentials.uid() == 0) {
            LOG.warn("*** WARNING: you are running uWSGI as root !!! (use the --uid flag) ***");
        } else if (toGid.isEmpty() && credentials.gid() == 0) {
            LOG.warn("*** WARNING: --uid without --gid: the group stays 0 (root's); use the --gid flag ***");
        }
    }

    private static OptionalInt resolve(OptionalInt id, String missing) throws StartupException {
        if (id.isEmpty()) {
            throw new StartupException(missing);
        }
        return id;
    }

    private void logAdditionalGroups(int gid) {
        for (int g : credentials.groups()) {
            if (g != gid) {
                Optional<String> name = users.groupName(g);
                LOG.info("set additional group {}{}", g, name.map(n -> " (" + n + ")").orElse(""));
            }
        }
    }

    /** chown -R (without following links) of {@code root} to {@code uid}/{@code gid}; -1 keeps one. */
    private static void handOver(Path root, int uid, int gid) throws StartupException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(root)) {
            tree.forEach(p -> {
                try {
                    if (uid >= 0) {
                        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                    }
                    if (gid >= 0) {
                        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new StartupException("cannot give " + root + " to the --uid/--gid user: " + e.getMessage());
        }
    }
}
