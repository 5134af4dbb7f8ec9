package org.uwsgi4j.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * {@code uwsgi4j --connect-and-read ADDRESS} (uWSGI's option of that name): connects to a Unix
 * socket path, or to {@code HOST:PORT} when the address has a colon, copies what the server
 * sends to stdout byte for byte until it closes the connection, and exits 0: a worker's
 * {@code --py-tracebacker} socket, the {@code --stats} server. Exit 1, with one line on stderr,
 * when there is no address or nothing to connect to (uWSGI's codes). uWSGI writes what it reads
 * to its log (stderr); uwsgi4j to stdout, so it can be piped or redirected.
 */
final class ConnectAndRead {

    static final String OPTION = "--connect-and-read";
    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private ConnectAndRead() {
    }

    /** True when the command line is this one-shot mode ({@code --connect-and-read X} or {@code --connect-and-read=X}). */
    static boolean wanted(String[] args) {
        return args.length > 0 && (args[0].equals(OPTION) || args[0].startsWith(OPTION + "="));
    }

    static int run(String[] args) {
        String address = args[0].startsWith(OPTION + "=") ? args[0].substring(OPTION.length() + 1)
                : args.length > 1 ? args[1] : "";
        if (address.isEmpty()) {
            System.err.println("uwsgi4j: " + OPTION + " needs an address: a Unix socket path or HOST:PORT");
            return 1;
        }
        try (SocketChannel channel = connect(address); InputStream in = Channels.newInputStream(channel)) {
            in.transferTo(System.out);
            System.out.flush();
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("uwsgi4j: " + OPTION + " " + address + ": " + e.getMessage());
            return 1;
        }
    }

    /**
     * Connects to {@code address}: a Unix socket path (uWSGI's rule: no colon, or a leading
     * {@code /} or {@code .}), else {@code HOST:PORT} ({@code :PORT} is 127.0.0.1).
     *
     * @throws IllegalArgumentException for a malformed address; its message is the reason
     */
    static SocketChannel connect(String address) throws IOException {
        int colon = address.lastIndexOf(':');
        if (colon < 0 || address.startsWith("/") || address.startsWith(".")) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            return connect(channel, UnixDomainSocketAddress.of(Path.of(address)));
        }
        String host = colon == 0 ? "127.0.0.1" : address.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port, expected HOST:PORT");
        }
        InetSocketAddress to = new InetSocketAddress(host, port);
        if (to.isUnresolved()) {
            throw new IllegalArgumentException("unknown host " + host);
        }
        return connect(SocketChannel.open(), to);
    }

    private static SocketChannel connect(SocketChannel channel, SocketAddress to) throws IOException {
        try {
            if (to instanceof InetSocketAddress) {
                channel.socket().connect(to, CONNECT_TIMEOUT_MS);
            } else {
                channel.connect(to);
            }
            return channel;
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot connect: " + reason(e), e);
        }
    }

    /** The OS's words for a failed connect ("No such file or directory", "Connection refused"). */
    private static String reason(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
