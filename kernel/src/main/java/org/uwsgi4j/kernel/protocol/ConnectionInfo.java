package org.uwsgi4j.kernel.protocol;

import java.nio.charset.StandardCharsets;

/**
 * What {@link CgiVars} needs to know about a client connection, encoded once per connection
 * (not per request).
 */
public final class ConnectionInfo {

    final byte[] serverName;
    final byte[] serverPort;
    final byte[] remoteAddr;
    final byte[] remotePort;
    final boolean https;

    /**
     * @param serverName SERVER_NAME: uWSGI uses the machine's host name here, not the Host header
     * @param serverPort SERVER_PORT: the port part of the socket's name ("80" for a Unix socket)
     * @param remoteAddr REMOTE_ADDR: the client's address, IPv4-mapped IPv6 addresses as IPv4
     * @param remotePort REMOTE_PORT: the client's port, or -1 to leave the variable out (as
     *                   uWSGI's http-socket does)
     * @param https      whether the connection is TLS: adds {@code HTTPS=on}
     */
    public ConnectionInfo(String serverName, String serverPort, String remoteAddr, int remotePort, boolean https) {
        this.serverName = serverName.getBytes(StandardCharsets.ISO_8859_1);
        this.serverPort = serverPort.getBytes(StandardCharsets.ISO_8859_1);
        this.remoteAddr = remoteAddr.getBytes(StandardCharsets.ISO_8859_1);
        this.remotePort = remotePort < 0 ? null : Integer.toString(remotePort).getBytes(StandardCharsets.ISO_8859_1);
        this.https = https;
    }
}
