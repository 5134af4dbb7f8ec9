package org.uwsgi4j.kernel.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** uWSGI's listen-queue-full line on a fake clock: at most once a second per socket, with the count. */
class BacklogMonitorTest {

    private final AtomicLong clock = new AtomicLong(5_000);
    private final Map<Long, Long> backlogs = new HashMap<>();
    private final List<String> lines = new ArrayList<>();
    private final BacklogMonitor monitor = new BacklogMonitor(s -> backlogs.getOrDefault(s.inode(), 0L), clock::get, lines::add);

    @Test
    void aFullBacklogLogsAtMostOnceASecondPerSocketAndCountsEveryCheck() {
        monitor.watch("127.0.0.1:8080", new ListenBacklog.Socket(7, 111), 100);
        monitor.watch("127.0.0.1:3031", new ListenBacklog.Socket(8, 222), 100);
        backlogs.put(111L, 101L);
        backlogs.put(222L, 3L);
        for (int i = 0; i < 10; i++) { // ten checks in 900 ms
            monitor.sample();
            clock.addAndGet(Duration.ofMillis(100).toNanos());
        }
        assertEquals(List.of("*** uWSGI listen queue of socket \"127.0.0.1:8080\" (fd: 7) full !!! (101/100) ***"), lines);
        assertEquals(10, monitor.errors());
        assertEquals(101, monitor.queue(0));
        assertEquals(3, monitor.queue(1));
        assertEquals(101, monitor.largest());

        backlogs.put(222L, 100L);
        monitor.sample(); // a second after the first line: both sockets
        assertEquals(3, lines.size(), lines.toString());
        assertEquals("*** uWSGI listen queue of socket \"127.0.0.1:3031\" (fd: 8) full !!! (100/100) ***", lines.getLast());
    }

    @Test
    void watchersAreToldWithEachLineOnly() {
        List<String> told = new ArrayList<>();
        monitor.onFull((socket, fd, queued, max) -> told.add(socket + " " + fd + " " + queued + "/" + max));
        monitor.watch("127.0.0.1:8080", new ListenBacklog.Socket(7, 111), 100);
        backlogs.put(111L, 101L);
        monitor.sample();
        clock.addAndGet(Duration.ofMillis(500).toNanos());
        monitor.sample(); // full again, no line within the second: no watcher call either
        assertEquals(List.of("127.0.0.1:8080 7 101/100"), told);
        clock.addAndGet(Duration.ofMillis(500).toNanos());
        backlogs.put(111L, 100L);
        monitor.sample();
        assertEquals(List.of("127.0.0.1:8080 7 101/100", "127.0.0.1:8080 7 100/100"), told);
        assertEquals(2, lines.size());
    }

    @Test
    void anEmptyOrUnknownBacklogIsNeverFull() {
        monitor.watch("/tmp/app.sock", ListenBacklog.Socket.UNKNOWN, 100);
        monitor.watch("127.0.0.1:8080", new ListenBacklog.Socket(7, 111), 100);
        backlogs.put(111L, 0L);
        monitor.sample();
        assertEquals(List.of(), lines);
        assertEquals(0, monitor.errors());
    }
}
