package org.uwsgi4j.kernel.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.log.TestOptions;

/** Which protocol each socket speaks: --socket (uwsgi, or --protocol's), --http-socket. */
class ListenSpecsTest {

    private static List<Protocol> protocols(String... options) throws Exception {
        return Server.listenSpecs(TestOptions.of(options)).stream().map(ListenSpec::protocol).toList();
    }

    @Test
    void protocolSetsWhatTheDefaultSocketsSpeak() throws Exception {
        assertEquals(List.of(Protocol.UWSGI, Protocol.HTTP), protocols("socket", "127.0.0.1:0", "http-socket", "127.0.0.1:0"));
        assertEquals(List.of(Protocol.HTTP, Protocol.HTTP), protocols("protocol", "http", "socket", "127.0.0.1:0", "http-socket", "127.0.0.1:0"));
        assertEquals(List.of(Protocol.UWSGI), protocols("protocol", "uwsgi", "socket", "127.0.0.1:0"));
        assertEquals("protocol fastcgi is not supported yet (uwsgi4j's sockets speak uwsgi or http)",
                assertThrows(SocketAddressSpec.InvalidAddressException.class, () -> protocols("protocol", "fastcgi", "socket", ":0")).getMessage());
    }
}
