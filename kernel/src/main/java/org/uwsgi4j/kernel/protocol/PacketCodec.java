package org.uwsgi4j.kernel.protocol;

import java.nio.ByteBuffer;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.uwsgi4j.kernel.api.UwsgiPackets;
import org.uwsgi4j.kernel.api.UwsgiVars;

/** The kernel's uwsgi codec as the api's {@link UwsgiPackets} service: {@link RequestVars} and {@link UwsgiPacketParser}. */
@Component(service = UwsgiPackets.class)
public final class PacketCodec implements UwsgiPackets {

    @Override
    public UwsgiVars newVars() {
        return new PacketVars();
    }

    @Override
    public Map<String, String> parse(ByteBuffer packet) {
        var vars = new RequestVars();
        var parser = new UwsgiPacketParser(ProtocolLimits.DEFAULTS.withBufferSize(ProtocolLimits.MAX_BUFFER_SIZE));
        parser.reset(vars);
        try {
            if (!parser.parse(packet)) {
                throw new IllegalArgumentException("truncated uwsgi packet (" + packet.remaining() + " bytes)");
            }
        } catch (BadMessageException e) {
            throw new IllegalArgumentException(e.reason());
        }
        return vars.toMap();
    }
}
