package org.uwsgi4j.kernel.protocol;

import java.nio.ByteBuffer;
import java.util.Map;
import org.uwsgi4j.kernel.api.UwsgiVars;

/** The api's {@link UwsgiVars} over a {@link RequestVars}: what {@link PacketCodec} hands out. */
final class PacketVars implements UwsgiVars {

    final RequestVars vars = new RequestVars();

    @Override
    public void add(String key, String value) {
        if (key.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("uwsgi variable " + key.replace('\0', '?') + ": a NUL byte is not allowed");
        }
        if (key.length() > 0xffff || value.length() > 0xffff) {
            throw new IllegalArgumentException("uwsgi variable " + key + ": over 65535 bytes");
        }
        vars.add(key, value);
    }

    @Override
    public String get(String key) {
        return vars.get(key);
    }

    @Override
    public void clear() {
        vars.clear();
    }

    @Override
    public int packetSize() {
        return 4 + vars.uwsgiBlockSize();
    }

    @Override
    public void writePacket(int modifier1, int modifier2, ByteBuffer dst) {
        vars.writeUwsgiPacket(modifier1, modifier2, dst);
    }

    @Override
    public Map<String, String> toMap() {
        return vars.toMap();
    }

    @Override
    public String toString() {
        return vars.toString();
    }
}
