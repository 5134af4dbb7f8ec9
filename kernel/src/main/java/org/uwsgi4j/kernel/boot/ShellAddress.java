package org.uwsgi4j.kernel.boot;

import java.net.InetSocketAddress;

/**
 * The shell's address as uWSGI writes socket addresses: a Unix socket path (no colon, or
 * starting with {@code /} or {@code .}), or TCP: {@code host:port}, {@code :port},
 * {@code [::1]:port}.
 */
final class ShellAddress {

    private ShellAddress() {
    }

    /** True for a Unix socket path, uWSGI's rule: no colon, or a leading {@code /} or {@code .}. */
    static boolean isUnixPath(String address) {
        return address.indexOf(':') < 0 || address.startsWith("/") || address.startsWith(".");
    }

    /** {@code :port} means every interface, as in uWSGI. */
    static InetSocketAddress parse(String address) throws StartupException {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new StartupException("shell-socket " + address + ": expected HOST:PORT");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new StartupException("shell-socket " + address + ": invalid port");
        }
        if (port < 0 || port > 65535) {
            throw new StartupException("shell-socket " + address + ": port out of range");
        }
        InetSocketAddress bound = host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        if (bound.isUnresolved()) {
            throw new StartupException("shell-socket " + address + ": unknown host " + host);
        }
        return bound;
    }
}
