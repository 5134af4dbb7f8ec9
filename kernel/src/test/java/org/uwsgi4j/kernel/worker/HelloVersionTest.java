package org.uwsgi4j.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.EOFException;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.uwsgi4j.kernel.protocol.FrameType;

/**
 * HELLO's protocol version (docs/worker-protocol.md): a sixth field {@code 1}, or none (a
 * version-1 host of before the field), is accepted; any other version is refused, the channel
 * closed, and the worker does not run.
 */
@Timeout(10)
class HelloVersionTest {

    private MasterRig rig;

    @AfterEach
    void close() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    private FrameChannel core(int id, long pid, String... version) throws IOException {
        FrameChannel ch = new FrameChannel(SocketChannel.open(UnixDomainSocketAddress.of(rig.current().socket)));
        String[] fields = {rig.dir.token(), "core", String.valueOf(id), "0", String.valueOf(pid)};
        if (version.length > 0) {
            fields = new String[] {fields[0], fields[1], fields[2], fields[3], fields[4], version[0]};
        }
        ch.writeFields(FrameType.HELLO, 0, fields);
        return ch;
    }

    @Test
    void anUnknownVersionIsRefusedAndVersion1OrNoneIsServed() throws Exception {
        rig = new MasterRig("processes", "2");
        MasterRig.Host host = rig.host(rig.current());
        host.ready();
        assertEquals(1, rig.nextFork(host));
        assertEquals(2, rig.nextFork(host));

        rig.processes.alive.add(101L);
        rig.processes.alive.add(102L);
        try (FrameChannel refused = core(1, 101, "2")) {
            assertThrows(EOFException.class, refused::read, "the kernel closes a channel of version 2");
        }
        assertEquals(Worker.State.SPAWNING, rig.worker(1).state);

        try (FrameChannel v1 = core(1, 101, "1"); FrameChannel none = core(2, 102)) {
            rig.turnUntil("workers 1 and 2 run", () -> rig.worker(1).state == Worker.State.RUNNING
                    && rig.worker(2).state == Worker.State.RUNNING);
        }
    }
}
