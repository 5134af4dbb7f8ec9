package org.uwsgi4j.kernel.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * Who may use the shell, decided once per connection before any command is read: the peer's
 * credentials on a Unix socket ({@link PeerCredentials}), a token on TCP ({@link TokenGate}).
 */
sealed interface ShellGate permits PeerCredentials, TokenGate {

    /**
     * True when the connection may go on. A refusal is logged in one line by the gate and the
     * caller closes the connection without a word to the client.
     *
     * @param client the accepted connection
     * @param lines  its input, for a gate that reads a first line (nothing else is read)
     */
    boolean admits(SocketChannel client, BufferedReader lines) throws IOException;
}
