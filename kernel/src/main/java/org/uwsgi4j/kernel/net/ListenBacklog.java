package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.uwsgi4j.kernel.os.ListenQueue;

/**
 * The operating system's accept backlog of the listening TCP sockets, as uWSGI's master reads
 * it with {@code TCP_INFO} ({@code tcpi_unacked}: connections waiting to be accepted;
 * {@link ListenQueue}), which needs the socket's descriptor. The JDK does not give it, so it is
 * found once, at bind time ({@link #find}): the listening row of the port in
 * {@code /proc/net/tcp} or {@code /proc/net/tcp6} names the socket's inode, and
 * {@code /proc/self/fd} the descriptor of that inode (also uWSGI's {@code (fd: N)}). The
 * backlog's size is {@code --listen} capped by {@code net.core.somaxconn} ({@link #size}).
 *
 * <pre>
 *  at bind:  /proc/net/tcp{,6}: … local_address … st=0A … inode  ─▶  /proc/self/fd/N ─▶ socket:[inode]
 *  each check (once a second, and per stats request): getsockopt(N, TCP_INFO).tcpi_unacked
 * </pre>
 *
 * Reading {@code /proc/net/tcp} on every check cost 5 % of the master's CPU under load: it
 * lists every socket of the machine, thousands of TIME_WAIT ones in a close-per-request load.
 */
final class ListenBacklog {

    private static final Path PROC = Path.of("/proc");
    /** TCP_LISTEN in /proc/net/tcp's st column. */
    private static final String LISTEN = "0A";

    /** A listening socket of this process: its descriptor and inode. */
    record Socket(int fd, long inode) {
        static final Socket UNKNOWN = new Socket(-1, -1);
    }

    private ListenBacklog() {
    }

    /** This process's listening TCP socket on {@code port}, or {@link Socket#UNKNOWN} (not Linux, not found). */
    static Socket find(int port) {
        Map<Long, Integer> own = ownSocketInodes();
        for (String file : List.of("net/tcp", "net/tcp6")) {
            for (String[] row : rows(file)) {
                long inode = Long.parseLong(row[9]);
                if (LISTEN.equals(row[3]) && port(row[1]) == port && own.containsKey(inode)) {
                    return new Socket(own.get(inode), inode);
                }
            }
        }
        return Socket.UNKNOWN;
    }

    /** The connections waiting to be accepted on {@code socket} now; 0 when unknown (a Unix socket, not Linux). */
    static long queue(Socket socket) {
        return Math.max(0, ListenQueue.waiting(socket.fd()));
    }

    /** The backlog a socket bound with {@code listen} gets: Linux caps it at {@code net.core.somaxconn}. */
    static long size(int listen) {
        try {
            // readAllLines: a single small read of a sysctl file returns only its first bytes
            return Math.min(listen, Long.parseLong(Files.readAllLines(PROC.resolve("sys/net/core/somaxconn")).getFirst().strip()));
        } catch (IOException | RuntimeException e) {
            return listen;
        }
    }

    private static int port(String localAddress) {
        return Integer.parseInt(localAddress.substring(localAddress.indexOf(':') + 1), 16);
    }

    private static List<String[]> rows(String file) {
        try {
            return Files.readAllLines(PROC.resolve(file)).stream().skip(1)
                    .map(line -> line.strip().split("\\s+")).filter(r -> r.length > 9).toList();
        } catch (IOException | RuntimeException e) {
            return List.of(); // no IPv6, or not Linux: nothing to report
        }
    }

    private static Map<Long, Integer> ownSocketInodes() {
        Map<Long, Integer> inodes = new HashMap<>();
        try (var fds = Files.list(PROC.resolve("self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.put(Long.parseLong(target.substring(8, target.length() - 1)), Integer.parseInt(fd.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException closedMeanwhile) {
                    // a descriptor closed while listing
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return inodes;
    }
}
