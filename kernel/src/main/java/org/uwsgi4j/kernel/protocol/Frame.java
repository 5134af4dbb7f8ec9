package org.uwsgi4j.kernel.protocol;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * One frame of the worker protocol: its type, its flags byte and its payload.
 *
 * <p>A frame returned by {@code FrameChannel.read()} (worker/) owns its payload: a fresh heap buffer
 * (position 0, limit the payload length) that no later read touches, so it may be kept, handed
 * to another thread or written to another channel. Reading the payload moves its position, as
 * with any buffer; {@link #fields()} and {@code FrameChannel.write} do not.
 *
 * @param type    the frame type
 * @param flags   the flags byte (0–255; see docs/worker-protocol.md)
 * @param payload the payload, from its position to its limit
 */
public record Frame(FrameType type, int flags, ByteBuffer payload) {

    /** The REQUEST flag: the whole body follows at once as BODY frames ending with an empty one. */
    public static final int BODY_INLINE = 1;

    public Frame {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        if (flags < 0 || flags > 255) {
            throw new IllegalArgumentException("flags out of range: " + flags);
        }
    }

    /** A frame with an empty payload. */
    public static Frame of(FrameType type) {
        return new Frame(type, 0, ByteBuffer.allocate(0));
    }

    /** A frame whose payload is {@code fields}, each latin-1 and NUL-terminated. */
    public static Frame of(FrameType type, int flags, String... fields) {
        return new Frame(type, flags, ByteBuffer.wrap(Fields.encode(fields)));
    }

    /** The payload read as fields (latin-1, NUL-terminated); the payload's position does not move. */
    public List<String> fields() {
        return Fields.decode(payload);
    }

    /** The payload length: the bytes remaining in {@link #payload()}. */
    public int length() {
        return payload.remaining();
    }
}
