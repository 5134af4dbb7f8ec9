package org.uwsgi4j.kernel.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import org.uwsgi4j.kernel.os.ProcessOwner;

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
        // where /proc does not say, 0: these only feed rarely used magic variables
        String uid = ProcessOwner.uid().orElse("0");
        String gid = ProcessOwner.gid().orElse("0");
        String user = System.getProperty("user.name", "0");
        String group = ProcessOwner.groupName().orElse(gid);
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
