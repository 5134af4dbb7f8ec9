package org.uwsgi4j.kernel.log;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * {@code --logto HOST:PORT}: every line is one UDP datagram to that address, as uWSGI's
 * {@code logto()} sends it (a connected datagram socket; a lost datagram is not reported).
 */
final class UdpOutput implements LogOutput {

    private final DatagramChannel channel;
    private final String address;

    private UdpOutput(DatagramChannel channel, String address) {
        this.channel = channel;
        this.address = address;
    }

    /**
     * A UDP output to {@code address} ({@code HOST:PORT}).
     *
     * @throws LogSetupException with uWSGI's one line when the address is invalid
     */
    static UdpOutput connect(String address) throws LogSetupException {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        String port = address.substring(colon + 1);
        if (host.isEmpty() || port.isEmpty()) {
            throw new LogSetupException("--logto " + address + ": invalid udp address");
        }
        try {
            int p = Integer.parseInt(port);
            InetSocketAddress target = new InetSocketAddress(host, p);
            if (target.isUnresolved()) {
                throw new LogSetupException("--logto " + address + ": unknown host " + host);
            }
            return new UdpOutput(DatagramChannel.open().connect(target), address);
        } catch (IllegalArgumentException e) {
            throw new LogSetupException("--logto " + address + ": invalid udp address");
        } catch (IOException e) {
            throw new LogSetupException("--logto " + address + ": connect(): " + e.getMessage());
        }
    }

    @Override
    public void write(byte[] line) throws IOException {
        try {
            channel.write(ByteBuffer.wrap(line));
        } catch (java.net.PortUnreachableException e) {
            // nobody listens (yet): uWSGI's datagrams are lost the same way
        }
    }

    @Override
    public String toString() {
        return "udp:" + address;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
