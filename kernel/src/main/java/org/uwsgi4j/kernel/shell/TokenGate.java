package org.uwsgi4j.kernel.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP shell's gate: the client's first line must be {@value #PREFIX}{@code TOKEN} with the
 * token of {@code --shell-token-file} (compared in constant time). Anything else, or the end of
 * the input, closes the connection with one log line naming the client's address.
 */
final class TokenGate implements ShellGate {

    static final String PREFIX = "#uwsgi4j-auth ";
    private static final Logger LOG = LoggerFactory.getLogger(TokenGate.class);

    private final byte[] token;

    TokenGate(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean admits(SocketChannel client, BufferedReader lines) throws IOException {
        String first = lines.readLine();
        if (first != null && first.startsWith(PREFIX)
                && MessageDigest.isEqual(token, first.substring(PREFIX.length()).strip().getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        String from = client.getRemoteAddress() instanceof InetSocketAddress inet
                ? inet.getAddress().getHostAddress() + ":" + inet.getPort() : String.valueOf(client.getRemoteAddress());
        LOG.warn("shell: authentication failed for {}: {}", from,
                first == null ? "no token sent" : first.startsWith(PREFIX) ? "wrong token" : "the first line is not " + PREFIX.strip() + " TOKEN");
        return false;
    }
}
