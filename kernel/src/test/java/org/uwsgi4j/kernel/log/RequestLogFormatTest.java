package org.uwsgi4j.kernel.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestLogFormatTest {

    /** The second the fixture requests were made in: Sun Nov 22 03:08:13 2026 UTC. */
    private static final long SECOND = 1795316893L;
    private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    // ---- the default line, byte for byte against real uWSGI 2.0.21 (see the fixture's header)

    @Test
    void defaultLineWithMemoryReportAndForwardedForMatchesUwsgi() throws IOException {
        var format = RequestLogFormat.uwsgiDefault(settings(KOLKATA, true, true, false, null));
        long[] micros = {0, 0, 0, 0, 0};
        List<String> lines = fixtureRequests(17245, micros).stream()
                .map(b -> format.format(b.vsz(60846080).rss(11378688).build()))
                .toList();
        assertEquals(fixture("default+memory"), lines);
    }

    @Test
    void defaultLineInMicrosecondsMatchesUwsgi() throws IOException {
        var format = RequestLogFormat.uwsgiDefault(settings(NEW_YORK, false, false, true, null));
        long[] micros = {136, 103, 80, 71, 91};
        List<String> lines = fixtureRequests(17243, micros).stream().map(b -> format.format(b.build())).toList();
        assertEquals(fixture("micros"), lines);
    }

    @Test
    void formatStringWithEveryKindOfVariableMatchesUwsgi() throws IOException {
        String formatString = fixture("format-string").getFirst();
        var format = RequestLogFormat.compile(formatString, settings(NEW_YORK, false, false, false, null));
        long[] micros = {179, 97, 67, 94, 76};
        long[] startMicros = {1795316893116315L, 1795316893123114L, 1795316893129363L, 1795316893135320L, 1795316893141581L};
        var builders = fixtureRequests(1, micros);
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < builders.size(); i++) {
            lines.add(format.format(builders.get(i).startMicros(startMicros[i]).build()));
        }
        assertEquals(fixture("format"), lines);
    }

    /** The five requests of the fixture (curl 7.88.1 against 127.0.0.1:PORT). */
    private static List<RequestRecord.Builder> fixtureRequests(long pid, long[] micros) {
        return List.of(
                request(pid, 1, "GET", "/", "HTTP/1.1", null, null, 24, 246, 200, 11, 1, 45, 0, micros[0]),
                request(pid, 2, "POST", "/form?x=%41", "HTTP/1.1", null, null, 28, 334, 200, 11, 1, 45, 7, micros[1])
                        .forwardedFor(null),
                request(pid, 3, "GET", "/404", "HTTP/1.1", "Mozilla/5.0 (X11)", "http://example.com/", 28, 328, 404, 18, 2, 65, 0, micros[2])
                        .forwardedFor("203.0.113.7"),
                request(pid, 4, "HEAD", "/empty", "HTTP/1.1", null, null, 24, 257, 204, 0, 0, 27, 0, micros[3]),
                request(pid, 5, "GET", "/", "HTTP/1.0", null, null, 24, 246, 200, 11, 1, 45, 0, micros[4]));
    }

    private static RequestRecord.Builder request(long pid, long n, String method, String uri, String proto, String ua,
                                                 String referer, int vars, long bytes, int status, long rsize,
                                                 int headers, long hsize, long cl, long micros) {
        return RequestRecord.builder().vars(Map.of("HTTP_ACCEPT", "*/*"))
                .pid(pid).workerId(1).appId(0).appRequests(n).totalRequests(n).core(0).switches(1)
                .method(method).uri(uri).protocol(proto).remoteAddr("127.0.0.1").host(uriHost(pid))
                .userAgent(ua == null ? "curl/7.88.1" : ua).referer(referer)
                .varCount(vars).varsBytes(bytes).contentLength(cl)
                .startMicros(SECOND * 1_000_000).durationMicros(micros)
                .status(status).responseBytes(rsize).headerCount(headers).headerBytes(hsize);
    }

    private static String uriHost(long pid) {
        return "127.0.0.1:18095";
    }

    private static List<String> fixture(String section) throws IOException {
        try (InputStream in = RequestLogFormatTest.class.getResourceAsStream("uwsgi-2.0.21-request-lines.txt")) {
            String prefix = "[" + section + "] ";
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> l.startsWith(prefix))
                    .map(l -> l.substring(prefix.length()))
                    .toList();
        }
    }

    // ---- the default line's details

    @Test
    void defaultLineShowsTheRemoteUserAndMinusOneBeforeTheAppCounted() {
        var format = RequestLogFormat.uwsgiDefault(settings(ZoneOffset.UTC, false, false, false, null));
        var r = RequestRecord.builder().pid(7).appId(-1).appRequests(0).totalRequests(9).remoteAddr("::1").remoteUser("bob")
                .method("GET").uri("/").protocol("HTTP/1.1").startMicros(0).durationMicros(2_500)
                .status(502).switches(1).core(3).build();
        assertEquals("[pid: 7|app: -1|req: -1/9] ::1 (bob) {0 vars in 0 bytes} [Thu Jan  1 00:00:00 1970] GET / "
                + "=> generated 0 bytes in 2 msecs (HTTP/1.1 502) 0 headers in 0 bytes (1 switches on core 3)", format.format(r));
    }

    @Test
    void ctimeDatePadsTheDayWithASpace() {
        var format = RequestLogFormat.compile("%(ctime)", settings(ZoneOffset.UTC, false, false, false, null));
        long march2 = Instant.parse("2026-03-02T09:05:07Z").getEpochSecond() * 1_000_000;
        assertEquals("Mon Mar  2 09:05:07 2026", format.format(RequestRecord.builder().startMicros(march2).build()));
    }

    @Test
    void forwardedForIsOnlyUsedWhenPresent() {
        var format = RequestLogFormat.compile("%(addr)", settings(ZoneOffset.UTC, true, false, false, null));
        assertEquals("10.0.0.1", format.format(RequestRecord.builder().remoteAddr("10.0.0.1").build()));
        assertEquals("1.2.3.4, 5.6.7.8", format.format(RequestRecord.builder().remoteAddr("10.0.0.1").forwardedFor("1.2.3.4, 5.6.7.8").build()));
        var off = RequestLogFormat.compile("%(addr)", settings(ZoneOffset.UTC, false, false, false, null));
        assertEquals("10.0.0.1", off.format(RequestRecord.builder().remoteAddr("10.0.0.1").forwardedFor("1.2.3.4").build()));
    }

    // ---- every --log-format variable

    private static final long START = Instant.parse("2026-11-22T03:04:05.123456Z").getEpochSecond() * 1_000_000 + 123_456;

    private static RequestRecord sample() {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("REQUEST_METHOD", "PUT");
        vars.put("REQUEST_URI", "/p?q=1");
        vars.put("SERVER_PROTOCOL", "HTTP/1.0");
        vars.put("REMOTE_ADDR", "192.0.2.1");
        vars.put("REMOTE_USER", "alice");
        vars.put("HTTP_HOST", "example.org");
        vars.put("HTTP_REFERER", "http://r/");
        vars.put("HTTP_USER_AGENT", "agent/1");
        vars.put("HTTP_X_FORWARDED_FOR", "198.51.100.9");
        vars.put("CONTENT_LENGTH", "42");
        vars.put("X_EMPTY", "");
        return RequestRecord.builder().vars(vars)
                .pid(4242).workerId(3).appId(0).appRequests(5).totalRequests(17).core(2).switches(4)
                .modifier1(5).modifier2(9).startMicros(START).durationMicros(2_345_678)
                .status(201).responseBytes(1000).headerCount(3).headerBytes(120)
                .readErrors(1).writeErrors(2).rss(33 * 1024 * 1024 + 5).vsz(200 * 1024 * 1024 + 7)
                .logVars(Map.of("user_id", "u-9"))
                .build();
    }

    @ParameterizedTest(name = "%({0}) = {1}")
    @CsvSource(delimiter = '|', value = {
        "uri|/p?q=1",
        "method|PUT",
        "user|alice",
        "addr|192.0.2.1",
        "host|example.org",
        "proto|HTTP/1.0",
        "uagent|agent/1",
        "referer|http://r/",
        "status|201",
        "rsize|1000",
        "hsize|120",
        "size|1120",
        "cl|42",
        "micros|2345678",
        "msecs|2345",
        "secs|2.345678",
        "tmsecs|1795316645123",
        "tmicros|1795316645123456",
        "time|1795316645",
        "ltime|22/Nov/2026:08:34:05 +0530",
        "ftime|22/Nov/2026:08:34:05 +0530",
        "ctime|Sun Nov 22 08:34:05 2026",
        "epoch|1800000000",
        "pid|4242",
        "wid|3",
        "switches|4",
        "vars|22",
        "core|2",
        "vsz|209715207",
        "rss|34603013",
        "vszM|200",
        "rssM|33",
        "pktsize|255",
        "modifier1|5",
        "modifier2|9",
        "headers|3",
        "werr|2",
        "rerr|1",
        "ioerr|3",
        "var.HTTP_X_FORWARDED_FOR|198.51.100.9",
        "var.X_EMPTY|-",
        "var.MISSING|-",
        "metric.worker.1.requests|0",
        "user_id|u-9",
        "unknown_logvar|-",
    })
    void everyVariable(String name, String expected) {
        var format = RequestLogFormat.compile("<%(" + name + ")>", settings(KOLKATA, false, false, false, null));
        assertEquals("<" + expected + ">", format.format(sample()));
    }

    @Test
    void varsBlockSizeIsUwsgisPacketSize() {
        // 11 vars: 4 bytes of lengths each plus keys and values
        assertEquals(255, sample().varsBytes());
        assertEquals(22, sample().varCount());
    }

    @Test
    void emptyStringsPrintAMinusNumbersPrintZero() {
        var format = RequestLogFormat.compile("%(user)|%(referer)|%(cl)|%(status)|%(uri)", settings(ZoneOffset.UTC, false, false, false, null));
        assertEquals("-|-|0|0|-", format.format(RequestRecord.builder().remoteUser("").build()));
    }

    @Test
    void ftimeUsesTheLogDatePatternWhenAsked() {
        var format = RequestLogFormat.compile("%(ftime)", settings(ZoneOffset.UTC, false, false, false, "%Y-%m-%dT%H:%M:%S"));
        assertEquals("2026-11-22T03:04:05", format.format(sample()));
    }

    @Test
    void secondsAlwaysHaveSixDecimals() {
        var format = RequestLogFormat.compile("%(secs)", settings(ZoneOffset.UTC, false, false, false, null));
        assertEquals("0.000007", format.format(RequestRecord.builder().durationMicros(7).build()));
        assertEquals("0.000000", format.format(RequestRecord.builder().durationMicros(0).build()));
        assertEquals("1.500000", format.format(RequestRecord.builder().durationMicros(1_500_000).build()));
        assertEquals("12.030400", format.format(RequestRecord.builder().durationMicros(12_030_400).build()));
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', value = {
        // as uWSGI 2.0.21: text around variables is kept, a lone % is text, %% before ( is a %
        "100% %(method)|100% PUT",
        "%%(method)|%PUT",
        "[%(method)][%(status)]|[PUT][201]",
        "no variables at all|no variables at all",
        // uwsgi4j's choices where uWSGI garbles the line (see docs/logging.md)
        "a %() b|a %() b",
        "x %(method|x %(method",
        "%(method) %(uri|PUT %(uri",
    })
    void literalText(String format, String expected) {
        assertEquals(expected, RequestLogFormat.compile(format, settings(ZoneOffset.UTC, false, false, false, null)).format(sample()));
    }

    private static RequestLogFormat.Settings settings(ZoneId zone, boolean xff, boolean memory, boolean micros, String ftime) {
        return new RequestLogFormat.Settings(zone, xff, memory, micros, ftime,
                Clock.fixed(Instant.ofEpochSecond(1_800_000_000L), ZoneOffset.UTC));
    }
}
