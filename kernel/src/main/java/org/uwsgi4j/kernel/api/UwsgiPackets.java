package org.uwsgi4j.kernel.api;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The kernel's uwsgi-protocol codec, for plugins that speak it to other servers (routers,
 * subscriptions): packets written and read exactly as the kernel's {@code --socket} does.
 */
public interface UwsgiPackets {

    /** An empty set of variables to fill and write as a packet. */
    UwsgiVars newVars();

    /**
     * The variables of the whole packet {@code packet} holds (header and vars block), in order.
     *
     * @throws IllegalArgumentException when it is no whole, well-formed vars packet (one-line message)
     */
    Map<String, String> parse(ByteBuffer packet);
}
