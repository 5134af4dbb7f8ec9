package org.uwsgi4j.kernel.log;

import org.uwsgi4j.kernel.api.Strftime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.api.LogSubscriber.Stream;

class RequestLogTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private LogPipeline pipeline() {
        return new LogPipeline(out, false, out, null, ZoneOffset.UTC, Clock.systemUTC(), 16);
    }

    private static RequestRecord response(int status, long bytes, long micros) {
        return RequestRecord.builder().method("GET").uri("/s" + status).status(status).responseBytes(bytes)
                .durationMicros(micros).build();
    }

    @Test
    void disableLoggingSilencesTheRequestLogOnly() {
        try (var p = pipeline()) {
            var log = RequestLog.fromOptions(TestOptions.of("disable-logging", "true", "log-format", "%(uri)"), p);
            log.log(response(200, 10, 5));
            p.server("a server line");
        }
        assertEquals("a server line\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void conditionalLoggingOverridesDisable() {
        var policy = RequestLog.fromOptions(TestOptions.of("disable-logging", "true", "log-zero", "true", "log-slow", "100",
                "log-4xx", "true", "log-5xx", "true", "log-big", "5000"), pipeline()).policy();
        assertFalse(policy.accepts(response(200, 10, 99_999)));
        assertTrue(policy.accepts(response(200, 0, 5)), "zero");
        assertTrue(policy.accepts(response(200, 10, 100_000)), "slow");
        assertTrue(policy.accepts(response(404, 10, 5)), "4xx");
        assertTrue(policy.accepts(response(503, 10, 5)), "5xx");
        assertTrue(policy.accepts(response(200, 5000, 5)), "big");
        assertFalse(policy.accepts(response(399, 10, 5)));
        assertFalse(policy.accepts(response(600, 10, 5)));
    }

    @Test
    void eachConditionAlone() {
        assertFalse(RequestLog.fromOptions(TestOptions.of("disable-logging", "true", "log-4xx", "true"), pipeline()).policy()
                .accepts(response(500, 1, 1)));
        assertTrue(RequestLog.fromOptions(TestOptions.of(), pipeline()).policy().accepts(response(200, 1, 1)));
    }

    @Test
    void defaultsToUwsgisLineWithItsOptions() {
        try (var p = pipeline()) {
            var log = RequestLog.fromOptions(TestOptions.of("memory-report", "true", "log-micros", "true", "log-x-forwarded-for", "true"), p);
            assertNull(log.format().source());
            log.log(RequestRecord.builder().vars(Map.of("REQUEST_METHOD", "GET", "REQUEST_URI", "/", "SERVER_PROTOCOL", "HTTP/1.1",
                    "REMOTE_ADDR", "127.0.0.1", "HTTP_X_FORWARDED_FOR", "9.9.9.9"))
                    .pid(1).totalRequests(1).appRequests(1).status(200).durationMicros(1234).vsz(3 * 1048576).rss(1048576).build());
        }
        String line = out.toString(StandardCharsets.UTF_8);
        assertTrue(line.startsWith("{address space usage: 3145728 bytes/3MB} {rss usage: 1048576 bytes/1MB} [pid: 1|app: 0|req: 1/1] 9.9.9.9 () {10 vars in "), line);
        assertTrue(line.contains(" GET / => generated 0 bytes in 1234 micros (HTTP/1.1 200) "), line);
    }

    @Test
    void aStaticFileWithABodySaysViaSendfileAsUwsgiDoes() {
        try (var p = pipeline()) {
            var log = RequestLog.fromOptions(TestOptions.of(), p);
            var vars = Map.of("REQUEST_METHOD", "GET", "REQUEST_URI", "/s/f.txt", "SERVER_PROTOCOL", "HTTP/1.1", "REMOTE_ADDR", "127.0.0.1");
            log.log(RequestRecord.builder().vars(vars).pid(1).appId(-1).appRequests(-1).totalRequests(1).status(200)
                    .responseBytes(3).durationMicros(4000).build());
            log.log(RequestRecord.builder().vars(vars).pid(1).appId(-1).appRequests(-1).totalRequests(2).status(304)
                    .responseBytes(0).durationMicros(0).build());
        }
        String lines = out.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("[pid: 1|app: -1|req: -1/1] 127.0.0.1 () "), lines);
        assertTrue(lines.contains(" GET /s/f.txt => generated 3 bytes in 4 msecs via sendfile() (HTTP/1.1 200) "), lines);
        assertTrue(lines.contains(" GET /s/f.txt => generated 0 bytes in 0 msecs (HTTP/1.1 304) "), lines);
    }

    @Test
    void logFormatStrftimeAppliesTheLogDatePatternToFtime() {
        var plain = RequestLog.fromOptions(TestOptions.of("log-format", "%(ftime)", "log-date", "%Y"), pipeline());
        var strftime = RequestLog.fromOptions(TestOptions.of("log-format", "%(ftime)", "log-date", "%Y", "log-format-strftime", "true"), pipeline());
        var r = RequestRecord.builder().startMicros(1_795_316_893_000_000L).build();
        assertTrue(plain.format().format(r).matches("\\d\\d/Nov/2026:\\d\\d:\\d\\d:13 [+-]\\d{4}"), plain.format().format(r));
        assertEquals("2026", strftime.format().format(r));
    }

    @Test
    void requestLinesReachRequestSubscribers() throws Exception {
        var got = new java.util.concurrent.LinkedBlockingQueue<String>();
        try (var p = pipeline()) {
            p.subscribe((s, l) -> got.add(s + ":" + l), EnumSet.of(Stream.REQUEST));
            RequestLog.fromOptions(TestOptions.of("log-format", "%(method) %(uri) %(status)"), p).log(response(201, 1, 1));
            assertEquals("REQUEST:GET /s201 201", got.poll(10, java.util.concurrent.TimeUnit.SECONDS));
        }
    }
}
