package org.uwsgi4j.kernel.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Instant;
import java.util.Objects;

/**
 * The facts about this process and machine that magic variables expand to: hostname
 * ({@code %h}), server version ({@code %V}), cpu cores ({@code %k}), user and group
 * ({@code %u %U %g %G}), start time ({@code %t %T}), and whether this start is a reload
 * ({@code if-reload}). Gathered once per start; tests pass their own.
 *
 * @param hostname    the host name
 * @param version     the server version
 * @param cpus        number of available processors
 * @param uid         numeric user id
 * @param user        user name, or the uid when unknown
 * @param gid         numeric group id
 * @param group       group name, or the gid when unknown
 * @param startMicros start time, microseconds since the epoch
 * @param reload      true when this start is a reload of a running instance
 */
public record HostFacts(String hostname, String version, int cpus, String uid, String user,
                        String gid, String group, long startMicros, boolean reload) {

    public HostFacts {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(gid, "gid");
        Objects.requireNonNull(group, "group");
    }

    /**
     * The facts of this process, for server {@code version}; {@code reload} comes from the
     * caller (uWSGI reads it from {@code UWSGI_RELOADS}).
     */
    public static HostFacts current(String version, boolean reload) {
        String uid = "0";
        String gid = "0";
        String user = System.getProperty("user.name", "0");
        String group = gid;
        try {
            Path self = Path.of("/proc/self");
            if (Files.exists(self)) {
                uid = String.valueOf(Files.getAttribute(self, "unix:uid"));
                gid = String.valueOf(Files.getAttribute(self, "unix:gid"));
                group = gid;
                GroupPrincipal principal = Files.readAttributes(self, PosixFileAttributes.class).group();
                if (principal != null) {
                    group = principal.getName();
                }
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // keep the fallbacks: these only feed rarely used magic variables
        }
        Instant now = Instant.now();
        return new HostFacts(localHostname(), version, Runtime.getRuntime().availableProcessors(),
                uid, user, gid, group, now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000, reload);
    }

    private static String localHostname() {
        try {
            String fromFile = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!fromFile.isEmpty()) {
                return fromFile;
            }
        } catch (IOException e) {
            // fall through to the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
