package org.uwsgi4j.kernel.protocol;

/**
 * The frame types of the worker protocol (docs/worker-protocol.md, "Messages"), with their
 * wire codes. {@link #of} maps a code back in one array lookup.
 */
public enum FrameType {
    HELLO(1),
    READY(2),
    LOADFAIL(3),
    FORK(4),
    EXITED(5),
    REQUEST(10),
    BODY(11),
    READ(12),
    GONE(13),
    SIGNAL(14),
    START(20),
    DATA(21),
    END(22),
    ERROR(23),
    SENDFILE(24),
    LOG(30),
    STOP(31),
    CALL(40),
    RESULT(41);

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    /** The type byte on the wire. */
    public int code() {
        return code;
    }

    /**
     * The type with wire code {@code code}.
     *
     * @throws IllegalArgumentException when no type has that code
     */
    public static FrameType of(int code) {
        FrameType t = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (t == null) {
            throw new IllegalArgumentException("unknown frame type " + code);
        }
        return t;
    }
}
