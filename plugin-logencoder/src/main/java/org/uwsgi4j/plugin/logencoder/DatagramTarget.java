package org.uwsgi4j.plugin.logencoder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * Sends datagrams to one address, as uWSGI's socket loggers do: a path (starting with
 * {@code /}) is a Unix datagram socket, anything else {@code HOST:PORT} over UDP.
 */
final class DatagramTarget implements AutoCloseable {

    private final DatagramChannel udp;
    private final UnixDatagram unix;
    private final String address;

    private DatagramTarget(DatagramChannel udp, UnixDatagram unix, String address) {
        this.udp = udp;
        this.unix = unix;
        this.address = address;
    }

    /**
     * A target for {@code address}; {@code defaultPort} when a UDP address has none (0: it must have one).
     *
     * @throws IllegalArgumentException with what is wrong with the address
     */
    static DatagramTarget open(String address, int defaultPort) {
        try {
            if (address.startsWith("/")) {
                return new DatagramTarget(null, new UnixDatagram(address), address);
            }
            int colon = address.lastIndexOf(':');
            String host = colon < 0 ? address : address.substring(0, colon);
            int port = colon < 0 ? defaultPort : Integer.parseInt(address.substring(colon + 1));
            if (host.isEmpty() || port <= 0 || port > 65535) {
                throw new IllegalArgumentException("invalid address " + address + " (HOST:PORT or /path/of/unix/socket)");
            }
            InetSocketAddress target = new InetSocketAddress(host, port);
            if (target.isUnresolved()) {
                throw new IllegalArgumentException("unknown host " + host);
            }
            return new DatagramTarget(DatagramChannel.open().connect(target), null, address);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port in " + address);
        } catch (IOException e) {
            throw new IllegalArgumentException(address + ": " + e.getMessage());
        }
    }

    void send(byte[] datagram) throws IOException {
        if (unix != null) {
            unix.send(datagram);
            return;
        }
        try {
            udp.write(ByteBuffer.wrap(datagram));
        } catch (PortUnreachableException e) {
            throw new IOException("sendto(" + address + "): Connection refused");
        }
    }

    @Override
    public void close() {
        if (unix != null) {
            unix.close();
        } else {
            try {
                udp.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }

    @Override
    public String toString() {
        return address;
    }
}
