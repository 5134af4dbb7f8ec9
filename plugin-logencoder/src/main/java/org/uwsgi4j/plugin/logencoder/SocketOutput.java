package org.uwsgi4j.plugin.logencoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * uWSGI's {@code socket:ADDR[,PREFIX]} logger: each message one datagram to a Unix path or a
 * UDP {@code HOST:PORT}, after the prefix if one is given.
 */
final class SocketOutput implements Output {

    private final DatagramTarget target;
    private final byte[] prefix;

    private SocketOutput(DatagramTarget target, byte[] prefix) {
        this.target = target;
        this.prefix = prefix;
    }

    /** {@code args}: {@code ADDR[,PREFIX]}. */
    static SocketOutput open(String args) {
        int comma = args.indexOf(',');
        String address = comma < 0 ? args : args.substring(0, comma);
        byte[] prefix = comma < 0 ? new byte[0] : args.substring(comma + 1).getBytes(StandardCharsets.UTF_8);
        return new SocketOutput(DatagramTarget.open(address, 0), prefix);
    }

    @Override
    public void write(byte[] message) throws IOException {
        if (prefix.length == 0) {
            target.send(message);
            return;
        }
        byte[] d = new byte[prefix.length + message.length];
        System.arraycopy(prefix, 0, d, 0, prefix.length);
        System.arraycopy(message, 0, d, prefix.length, message.length);
        target.send(d);
    }

    @Override
    public void close() {
        target.close();
    }

    @Override
    public String toString() {
        return "socket:" + target + (prefix.length == 0 ? "" : "," + new String(prefix, StandardCharsets.UTF_8));
    }
}
