package org.uwsgi4j.plugin.http;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A variable with binary bytes (NUL included) appended to a written uwsgi packet: the kernel's
 * {@link org.uwsgi4j.kernel.api.UwsgiVars} holds text only, while uWSGI sends a few binary ones (a
 * subscription's {@code sign}, HTTPS_CLIENT_CERTIFICATE's DER).
 */
final class BinaryVar {

    private BinaryVar() {
    }

    /**
     * {@code packet} (a whole uwsgi packet from its position to its limit) followed by the variable
     * {@code key}={@code value}, with the header's block size grown to match; a new buffer, ready to read.
     *
     * @throws IllegalStateException when the block would pass 65,535 bytes (the protocol's limit)
     */
    static ByteBuffer append(ByteBuffer packet, String key, byte[] value) {
        byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
        int size = packet.remaining() - 4 + 2 + k.length + 2 + value.length;
        if (size > 0xffff) {
            throw new IllegalStateException("uwsgi packet over 65535 bytes with " + key);
        }
        ByteBuffer out = ByteBuffer.allocate(4 + size).order(ByteOrder.LITTLE_ENDIAN);
        out.put(packet.duplicate());
        out.putShort(1, (short) size);
        out.putShort((short) k.length).put(k).putShort((short) value.length).put(value);
        return out.flip();
    }
}
