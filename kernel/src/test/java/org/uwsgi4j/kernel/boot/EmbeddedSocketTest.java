package org.uwsgi4j.kernel.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.log.TestOptions;
import org.uwsgi4j.kernel.net.ListenSpec;
import org.uwsgi4j.kernel.net.Protocol;
import org.uwsgi4j.kernel.net.SocketAddressSpec;

/** uWSGI's internal uwsgi socket for an embedded router, and when there is none. */
class EmbeddedSocketTest {

    private static final ListenSpec HTTP = spec(Protocol.HTTP, "127.0.0.1:8080");
    private static final ListenSpec UWSGI = spec(Protocol.UWSGI, "/tmp/u.sock");

    private static ListenSpec spec(Protocol protocol, String address) {
        try {
            return new ListenSpec(protocol, SocketAddressSpec.parse(address), 0);
        } catch (SocketAddressSpec.InvalidAddressException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aRouterWithoutBackendsGetsAnInternalSocketFirstWhenNoUwsgiSocketIsGiven() throws Exception {
        var specs = EmbeddedSocket.withInternal(List.of(HTTP), TestOptions.of("http", ":9090"));
        assertEquals(2, specs.size());
        assertEquals(Protocol.UWSGI, specs.get(0).protocol());
        assertEquals("127.0.0.1:0", specs.get(0).address().text());
        assertEquals(HTTP, specs.get(1));
        assertEquals(1, EmbeddedSocket.withInternal(List.of(), TestOptions.of("https", ":443,c,k")).size());
    }

    @Test
    void noInternalSocketWithAUwsgiSocketBackendsOrNoRouter() throws Exception {
        assertEquals(List.of(UWSGI), EmbeddedSocket.withInternal(List.of(UWSGI), TestOptions.of("http", ":9090")));
        assertEquals(List.of(), EmbeddedSocket.withInternal(List.of(), TestOptions.of("http", ":9090", "http-to", "/tmp/x.sock")));
        assertEquals(List.of(), EmbeddedSocket.withInternal(List.of(), TestOptions.of("http", ":9090",
                "http-subscription-server", "127.0.0.1:2626")));
        assertEquals(List.of(HTTP), EmbeddedSocket.withInternal(List.of(HTTP), TestOptions.of()));
    }
}
