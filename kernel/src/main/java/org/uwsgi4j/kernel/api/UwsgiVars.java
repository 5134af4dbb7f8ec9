package org.uwsgi4j.kernel.api;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The variables of one uwsgi packet (uWSGI's protocol: a 4-byte header, then 16-bit
 * little-endian sized keys and values), built by a router and written as one packet. Made by
 * {@link UwsgiPackets#newVars()}; reused with {@link #clear()}; not thread-safe.
 */
public interface UwsgiVars {

    /** Appends a variable (latin-1; a key or value over 65,535 bytes is refused with IllegalArgumentException). */
    void add(String key, String value);

    /** The value of the variable named {@code key} (the last one when repeated), or {@code null}. */
    String get(String key);

    /** Removes every variable. */
    void clear();

    /** The packet's size: 4 header bytes plus the vars block. */
    int packetSize();

    /**
     * Writes the whole packet (header with {@code modifier1}, the block's size and
     * {@code modifier2}, then the variables) into {@code dst}.
     *
     * @throws java.nio.BufferOverflowException when {@code dst} has less room than {@link #packetSize()}
     * @throws IllegalStateException            when the block is over 65,535 bytes (the protocol's limit)
     */
    void writePacket(int modifier1, int modifier2, ByteBuffer dst);

    /** The variables in order of first appearance (a repeated key: the last value). */
    Map<String, String> toMap();
}
