package org.uwsgi4j.kernel.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * A socket address as uWSGI users write it: {@code host:port}, {@code :port} (every
 * interface), {@code [::1]:port} (IPv6), or a Unix socket path (anything without a colon,
 * or starting with {@code /} or {@code .}).
 *
 * @param text the address as written
 * @param tcp  the TCP address, or null for a Unix socket
 * @param unix the Unix socket path, or null for TCP
 */
public record SocketAddressSpec(String text, InetSocketAddress tcp, Path unix) {

    /** Parses {@code text}; the message of the exception is the user's one line. */
    public static SocketAddressSpec parse(String text) throws InvalidAddressException {
        String t = text.strip();
        if (t.isEmpty()) {
            throw new InvalidAddressException("empty socket address");
        }
        int colon = t.lastIndexOf(':');
        if (colon < 0 || t.startsWith("/") || t.startsWith(".")) {
            return new SocketAddressSpec(text, null, Path.of(t));
        }
        String host = t.substring(0, colon);
        String portText = t.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new InvalidAddressException("invalid port \"" + portText + "\" in socket address " + text);
        }
        if (port < 0 || port > 65535) {
            throw new InvalidAddressException("port out of range in socket address " + text);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            InetAddress address = host.isEmpty() || host.equals("*") ? null : InetAddress.getByName(host);
            return new SocketAddressSpec(text, address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port), null);
        } catch (UnknownHostException e) {
            throw new InvalidAddressException("unknown host \"" + host + "\" in socket address " + text);
        }
    }

    /** The address to bind. */
    public SocketAddress bindAddress() {
        return tcp != null ? tcp : UnixDomainSocketAddress.of(unix);
    }

    /** True for a TCP address on every interface ({@code :port}, {@code 0.0.0.0}, {@code [::]}). */
    public boolean isEveryInterface() {
        return tcp != null && tcp.getAddress().isAnyLocalAddress();
    }

    /** A malformed address; the message says what and which. */
    public static final class InvalidAddressException extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidAddressException(String message) {
            super(message);
        }
    }
}
