package org.uwsgi4j.kernel.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.shell.ShellServer;

/**
 * Binds {@code --shell-socket} while the master still has its privileges (a port below 1024
 * works, a root-only token file is readable), to be served by {@link StartShell}:
 *
 * <pre>
 *  PATH            a Unix socket, mode 0600, handed to --uid/--gid with the rest ({@link DropPrivileges});
 *                  every peer's uid is checked (root or the server's user)
 *  @NAME           refused: the JDK binds no abstract Unix sockets
 *  HOST:PORT       TCP: needs --shell-token-file (an owner-only file, its first line the token);
 *                  a non-loopback host also needs --shell-socket-public
 * </pre>
 */
final class BindShell implements BootStep {

    private static final Logger LOG = LoggerFactory.getLogger(BindShell.class);
    private static final int GROUP_OTHER_ANY = 0077;

    @Override
    public boolean run(Boot boot) throws StartupException, IOException {
        Optional<String> given = boot.kernel.shellSocket();
        if (given.isEmpty()) {
            return true;
        }
        String address = given.get().strip();
        if (address.startsWith("@")) {
            throw new StartupException("shell-socket " + address + ": abstract Unix sockets are not supported (the JDK cannot bind them); use a socket path");
        }
        ShellServer server;
        if (ShellAddress.isUnixPath(address)) {
            Path path = Path.of(address).toAbsolutePath().normalize();
            int serverUid = CheckCodeDirs.serverUid(boot);
            try {
                server = ShellServer.bindUnix(path, serverUid);
            } catch (IOException e) {
                throw new StartupException("shell-socket " + address + ": bind(): " + e.getMessage());
            }
            boot.handOver.add(path);
        } else {
            var bind = ShellAddress.parse(address);
            if (!bind.getAddress().isLoopbackAddress()) {
                if (!boot.kernel.shellSocketPublic()) {
                    throw new StartupException("shell-socket " + address
                            + ": refusing a non-loopback address (the shell can run any command; add --shell-socket-public to allow it)");
                }
                LOG.warn("*** WARNING: the shell on {} is reachable from the network: anyone who connects can run any command ***", address);
            }
            if (boot.kernel.shellTokenFile().isEmpty()) {
                throw new StartupException("shell-socket " + address + ": a TCP shell needs --shell-token-file (any local user can connect"
                        + " to a port); or give a Unix socket path, which only root and the server's user can use");
            }
            String token = token(boot.kernel.shellTokenFile().get(), CheckCodeDirs.serverUid(boot));
            try {
                server = ShellServer.bindTcp(bind, token);
            } catch (IOException e) {
                throw new StartupException("shell-socket " + address + ": bind(): " + e.getMessage());
            }
        }
        boot.onStop(server);
        boot.shell = server;
        return true;
    }

    /**
     * The token: the first line of {@code file}, which must be owned by root or the server's
     * user and readable by nobody else (like an ssh key).
     */
    static String token(Path file, int serverUid) throws StartupException {
        String where = "shell-token-file " + file;
        List<String> lines;
        try {
            int uid = (Integer) Files.getAttribute(file, "unix:uid");
            int mode = (Integer) Files.getAttribute(file, "unix:mode");
            if (uid != 0 && uid != serverUid) {
                throw new StartupException(where + ": owned by uid " + uid + ", not by root or the server's user (uid " + serverUid + ")");
            }
            if ((mode & GROUP_OTHER_ANY) != 0) {
                throw new StartupException(where + ": readable or writable by others than its owner (mode "
                        + String.format("%04o", mode & 07777) + "); chmod 600 it");
            }
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new StartupException(where + ": not a regular file");
            }
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new StartupException(where + ": cannot read it: " + e.getMessage());
        }
        String token = lines.isEmpty() ? "" : lines.getFirst().strip();
        if (token.isEmpty()) {
            throw new StartupException(where + ": the first line (the token) is empty");
        }
        return token;
    }
}
