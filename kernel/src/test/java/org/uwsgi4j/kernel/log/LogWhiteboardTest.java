package org.uwsgi4j.kernel.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.api.LogSubscriber;
import org.uwsgi4j.kernel.api.LogSubscriber.Stream;

class LogWhiteboardTest {

    @Test
    void streamProperty() {
        assertEquals(EnumSet.allOf(Stream.class), LogWhiteboard.streams(null));
        assertEquals(EnumSet.allOf(Stream.class), LogWhiteboard.streams("all"));
        assertEquals(EnumSet.of(Stream.SERVER), LogWhiteboard.streams("server"));
        assertEquals(EnumSet.of(Stream.REQUEST), LogWhiteboard.streams(" Request "));
    }

    @Test
    void boundSubscribersReceiveAndUnboundOnesStop() throws Exception {
        var out = new ByteArrayOutputStream();
        var got = new LinkedBlockingQueue<String>();
        LogSubscriber sub = (s, l) -> got.add(l);
        try (var p = new LogPipeline(out, false, out, null, ZoneOffset.UTC, Clock.systemUTC(), 16)) {
            var board = new LogWhiteboard(p, () -> false);
            board.addSubscriber(sub, Map.of(LogSubscriber.STREAM, "server"));
            p.request("not for it");
            p.server("for it");
            assertEquals("for it", got.poll(10, TimeUnit.SECONDS));
            board.removeSubscriber(sub);
            p.server("after removal");
        }
        assertEquals(null, got.poll());
    }
}
