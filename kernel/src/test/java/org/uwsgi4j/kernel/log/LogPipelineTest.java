package org.uwsgi4j.kernel.log;

import org.uwsgi4j.kernel.api.Strftime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.uwsgi4j.kernel.api.LogSubscriber;
import org.uwsgi4j.kernel.api.LogSubscriber.Stream;

/** A hang (a writer blocked by a client or subscriber) fails the test instead of stalling the build. */
@Timeout(60)
class LogPipelineTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T03:06:03Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private LogPipeline pipeline(String logDate, int capacity) {
        return new LogPipeline(stderr, false, stderr, logDate, ZoneOffset.UTC, CLOCK, capacity);
    }

    private String stderrText() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    // ---- --logto

    @Test
    void logtoCreatesTheFileWithMode0640AndAppends() throws Exception {
        Path file = dir.resolve("uwsgi.log");
        try (var p = LogPipeline.open(TestOptions.of("logto", file.toString()), stderr)) {
            p.server("first");
            p.request("[pid: 1|app: 0|req: 1/1] GET /");
        }
        try (var p = LogPipeline.open(TestOptions.of("logto", file.toString()), stderr)) {
            p.server("second");
        }
        assertEquals("first\n[pid: 1|app: 0|req: 1/1] GET /\nsecond\n", Files.readString(file));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("", stderrText());
    }

    @Test
    void logTruncateEmptiesTheFileFirst() throws Exception {
        Path file = dir.resolve("uwsgi.log");
        Files.writeString(file, "old line\n");
        try (var p = LogPipeline.open(TestOptions.of("logto", file.toString(), "log-truncate", "true"), stderr)) {
            p.server("new line");
        }
        assertEquals("new line\n", Files.readString(file));
    }

    @Test
    void logtoThatCannotBeOpenedIsOneClearLine() {
        Path missing = dir.resolve("no/such/dir/uwsgi.log");
        var e = assertThrows(LogSetupException.class, () -> LogPipeline.open(TestOptions.of("logto", missing.toString()), stderr));
        assertEquals("open(\"" + missing + "\"): No such file or directory", e.getMessage());
        var d = assertThrows(LogSetupException.class, () -> LogPipeline.open(TestOptions.of("logto", dir.toString()), stderr));
        assertTrue(d.getMessage().startsWith("open(\"" + dir + "\"): "), d.getMessage());
    }

    @Test
    void withoutLogtoLinesGoToStderr() throws Exception {
        try (var p = LogPipeline.open(TestOptions.of(), stderr)) {
            p.server("hello");
        }
        assertEquals("hello\n", stderrText());
    }

    @Test
    void afterCloseLinesGoToTheFallback() throws Exception {
        Path file = dir.resolve("uwsgi.log");
        var p = LogPipeline.open(TestOptions.of("logto", file.toString()), stderr);
        p.close();
        p.server("late");
        assertEquals("", Files.readString(file));
        assertEquals("late\n", stderrText());
    }

    // ---- --log-date

    @Test
    void logDatePrefixesServerLinesOnlyLikeUwsgi() {
        try (var p = pipeline(LogPipeline.logDatePattern(Optional.of("true")), 16)) {
            p.server("spawned uWSGI worker 1 (pid: 12757, cores: 1)");
            p.request("[pid: 12757|app: 0|req: 1/1] GET /");
        }
        assertEquals("Sun Nov 22 03:06:03 2026 - spawned uWSGI worker 1 (pid: 12757, cores: 1)\n"
                + "[pid: 12757|app: 0|req: 1/1] GET /\n", stderrText());
    }

    @Test
    void logDateWithAStrftimePattern() {
        try (var p = pipeline(LogPipeline.logDatePattern(Optional.of("%Y-%m-%d %H:%M:%S")), 16)) {
            p.server("os: Linux");
        }
        assertEquals("2026-11-22 03:06:03 - os: Linux\n", stderrText());
    }

    @Test
    void logDateValues() {
        assertNull(LogPipeline.logDatePattern(Optional.empty()));
        assertNull(LogPipeline.logDatePattern(Optional.of("false")));
        assertEquals("%a %b %e %H:%M:%S %Y", LogPipeline.logDatePattern(Optional.of("yes")));
        assertEquals("%H", LogPipeline.logDatePattern(Optional.of("%H")));
    }

    // ---- the System.err stream

    @Test
    void serverStreamSplitsLinesAndKeepsPartialOnes() {
        try (var p = pipeline(null, 16)) {
            PrintStream err = p.serverStream();
            err.print("par");
            err.print("tial\r\nsecond\nthi");
            assertEquals("partial\nsecond\n", stderrText());
            err.println("rd é");
        }
        assertEquals("partial\nsecond\nthird é\n", stderrText());
    }

    @Test
    void installAsSystemErrAndRestoreOnClose() {
        PrintStream before = System.err;
        var p = pipeline(null, 16);
        try {
            p.installAsSystemErr();
            assertSame(p.serverStream(), System.err);
            System.err.println("through System.err");
        } finally {
            p.close();
        }
        assertSame(before, System.err);
        assertEquals("through System.err\n", stderrText());
    }

    // ---- request lines' bytes

    @Test
    void requestLinesAreWrittenByteForByte() {
        try (var p = pipeline(null, 16)) {
            p.request("GET /caf\u00c3\u00a9");
            p.request("GET /\u20ac");
        }
        byte[] expected = {'G', 'E', 'T', ' ', '/', 'c', 'a', 'f', (byte) 0xC3, (byte) 0xA9, '\n',
            'G', 'E', 'T', ' ', '/', (byte) 0xE2, (byte) 0x82, (byte) 0xAC, '\n'};
        assertEquals(new String(expected, StandardCharsets.ISO_8859_1), stderr.toString(StandardCharsets.ISO_8859_1));
    }

    // ---- subscribers

    /** Records what it receives. */
    private static final class Recorder implements LogSubscriber {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        @Override
        public void line(Stream stream, String line) {
            lines.add(stream + " " + line);
        }

        String next() throws InterruptedException {
            String l = lines.poll(10, TimeUnit.SECONDS);
            if (l == null) {
                throw new AssertionError("no line delivered");
            }
            return l;
        }
    }

    @Test
    void subscribersReceiveLinesOfTheirStreamsInOrderWithoutDatePrefix() throws Exception {
        try (var p = pipeline(Strftime.CTIME.pattern(), 16)) {
            var all = new Recorder();
            var requests = new Recorder();
            p.subscribe(all, EnumSet.allOf(Stream.class));
            p.subscribe(requests, EnumSet.of(Stream.REQUEST));
            p.server("one");
            p.request("two");
            p.serverStream().println("three");
            assertEquals("SERVER one", all.next());
            assertEquals("REQUEST two", all.next());
            assertEquals("SERVER three", all.next());
            assertEquals("REQUEST two", requests.next());
            p.unsubscribe(all);
            p.request("four");
            assertEquals("REQUEST four", requests.next());
            assertTrue(all.lines.isEmpty(), "an unsubscribed subscriber got " + all.lines);
        }
    }

    @Test
    void unwatchedLinesAreLoggedButNeverReachSubscribers() throws Exception {
        try (var p = pipeline(null, 16)) {
            var all = new Recorder();
            p.subscribe(all, EnumSet.allOf(Stream.class));
            Thread writer = Thread.ofPlatform().start(() -> p.serverUnwatched("an alarm's own line"));
            writer.join();
            p.server("watched");
            assertEquals("SERVER watched", all.next());
            assertTrue(all.lines.isEmpty(), all.lines.toString());
            assertEquals(List.of("an alarm's own line", "watched"), stderrText().lines().toList());
        }
    }

    @Test
    void aBlockedSubscriberNeverBlocksTheWriterAndTheLossIsReported() throws Exception {
        var release = new CountDownLatch(1);
        var entered = new CountDownLatch(1);
        var seen = new LinkedBlockingQueue<String>();
        LogSubscriber stuck = (stream, line) -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            seen.add(line);
        };
        try (var p = pipeline(null, 4)) {
            p.subscribe(stuck, EnumSet.allOf(Stream.class));
            p.request("line 0");
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            for (int i = 1; i <= 100; i++) {
                p.request("line " + i);
            }
            // the writer went through all 100 while the subscriber was stuck: 4 queued, 96 dropped
            assertEquals(96, p.droppedLines());
            assertEquals(101, stderrText().lines().count());
            release.countDown();
            for (int i = 0; i <= 4; i++) {
                assertEquals("line " + i, seen.poll(10, TimeUnit.SECONDS));
            }
        }
        // close() waited for the subscriber thread, which reported the loss on the log only
        List<String> lines = stderrText().lines().toList();
        assertEquals("*** 96 log lines were not handed to log subscribers: they are too slow ***", lines.getLast());
        assertTrue(seen.isEmpty(), "the report was fed back: " + seen);
    }

    @Test
    void whatASubscriberLogsIsWrittenButNotFedBack() throws Exception {
        var done = new CountDownLatch(1);
        try (var p = pipeline(null, 16)) {
            var holder = new LogPipeline[] {p};
            p.subscribe((stream, line) -> {
                if (line.equals("ping")) {
                    holder[0].serverStream().println("pong from the subscriber");
                    done.countDown();
                } else {
                    throw new AssertionError("fed back: " + line);
                }
            }, EnumSet.allOf(Stream.class));
            p.server("ping");
            assertTrue(done.await(10, TimeUnit.SECONDS));
        }
        assertEquals(List.of("ping", "pong from the subscriber"), stderrText().lines().toList());
    }

    @Test
    void aFailingSubscriberIsReportedOnceAndKeepsReceiving() throws Exception {
        var calls = new LinkedBlockingQueue<String>();
        try (var p = pipeline(null, 16)) {
            p.subscribe((stream, line) -> {
                calls.add(line);
                throw new IllegalStateException("boom");
            }, EnumSet.of(Stream.REQUEST));
            p.request("a");
            p.request("b");
            assertEquals("a", calls.poll(10, TimeUnit.SECONDS));
            assertEquals("b", calls.poll(10, TimeUnit.SECONDS));
        }
        List<String> lines = stderrText().lines().toList();
        assertEquals(1, lines.stream().filter(l -> l.contains("failed: java.lang.IllegalStateException: boom")).count(), lines.toString());
    }

    @Test
    void withoutSubscribersNothingIsQueued() {
        try (var p = pipeline(null, 1)) {
            p.server("a");
            p.server("b");
            assertEquals(0, p.droppedLines());
        }
    }

    @Test
    void fileAndSubscribersSeeTheSameOrder() throws Exception {
        Path file = dir.resolve("order.log");
        var rec = new Recorder();
        try (var p = new LogPipeline(LogPipeline.openLogFile(file, false), true, stderr, null, ZoneOffset.UTC, CLOCK, 10_000)) {
            p.subscribe(rec, EnumSet.allOf(Stream.class));
            Thread[] writers = new Thread[4];
            for (int w = 0; w < writers.length; w++) {
                int id = w;
                writers[w] = Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 200; i++) {
                        p.request("w" + id + " " + i);
                    }
                });
            }
            for (Thread t : writers) {
                t.join();
            }
            List<String> fromFile = Files.readAllLines(file);
            assertEquals(800, fromFile.size());
            for (String expected : fromFile) {
                assertEquals("REQUEST " + expected, rec.next());
            }
        }
    }
}
