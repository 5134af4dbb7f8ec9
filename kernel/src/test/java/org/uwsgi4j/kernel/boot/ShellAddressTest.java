package org.uwsgi4j.kernel.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShellAddressTest {

    @Test
    void parsesUwsgiAddressForms() throws Exception {
        assertTrue(ShellAddress.parse("127.0.0.1:5000").getAddress().isLoopbackAddress());
        assertEquals(5000, ShellAddress.parse("127.0.0.1:5000").getPort());
        assertTrue(ShellAddress.parse("[::1]:0").getAddress().isLoopbackAddress());
        assertTrue(ShellAddress.parse(":5000").getAddress().isAnyLocalAddress());
        assertTrue(ShellAddress.parse("localhost:1").getAddress().isLoopbackAddress());
    }

    @Test
    void aPathIsAUnixSocketByUwsgisRule() {
        assertTrue(ShellAddress.isUnixPath("/run/uwsgi4j/shell.sock"));
        assertTrue(ShellAddress.isUnixPath("./shell.sock"));
        assertTrue(ShellAddress.isUnixPath("shell.sock"));
        assertTrue(ShellAddress.isUnixPath("/odd:name.sock"));
        assertTrue(!ShellAddress.isUnixPath("127.0.0.1:5000") && !ShellAddress.isUnixPath(":5000") && !ShellAddress.isUnixPath("[::1]:0"));
    }

    @Test
    void rejectsMalformedAddressesInOneLine() {
        assertTrue(assertThrows(StartupException.class, () -> ShellAddress.parse("5000")).getMessage().contains("expected HOST:PORT"));
        assertTrue(assertThrows(StartupException.class, () -> ShellAddress.parse("127.0.0.1:x")).getMessage().contains("invalid port"));
        assertTrue(assertThrows(StartupException.class, () -> ShellAddress.parse("127.0.0.1:70000")).getMessage().contains("out of range"));
    }
}
