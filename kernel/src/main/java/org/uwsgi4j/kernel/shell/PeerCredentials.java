package org.uwsgi4j.kernel.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.OptionalInt;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.os.UserDb;

/**
 * The Unix shell's gate: the peer's user, as the kernel reports it ({@code SO_PEERCRED}, read
 * through {@link ExtendedSocketOptions#SO_PEERCRED}), must be root or the server's user.
 * The socket file's mode (0600) is the first fence; this check holds even when the mode was
 * widened.
 */
final class PeerCredentials implements ShellGate {

    private static final Logger LOG = LoggerFactory.getLogger(PeerCredentials.class);

    private final int serverUid;
    private final UserDb users = new UserDb();

    PeerCredentials(int serverUid) {
        this.serverUid = serverUid;
    }

    @Override
    public boolean admits(SocketChannel client, BufferedReader lines) throws IOException {
        UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
        String name = peer.user().getName();
        OptionalInt uid = users.uid(name);
        if (uid.isPresent() && (uid.getAsInt() == 0 || uid.getAsInt() == serverUid)) {
            return true;
        }
        String who = uid.isPresent() ? "uid " + uid.getAsInt() + (name.equals(String.valueOf(uid.getAsInt())) ? "" : " (" + name + ")")
                : "user " + name;
        LOG.warn("shell: refused a connection from {}: only root and the server's user (uid {}) may use the shell", who, serverUid);
        return false;
    }
}
