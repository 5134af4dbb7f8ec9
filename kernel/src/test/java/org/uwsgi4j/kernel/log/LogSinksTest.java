package org.uwsgi4j.kernel.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.uwsgi4j.kernel.api.LogEncoder;
import org.uwsgi4j.kernel.api.LogLine;
import org.uwsgi4j.kernel.api.LogSink;
import org.uwsgi4j.kernel.api.LogSubscriber.Stream;

/** Sinks, encoders, held lines and the default output's file features. */
@Timeout(60)
class LogSinksTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T16:35:21Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private LogPipeline pipeline(int capacity) {
        return new LogPipeline(stderr, false, stderr, null, ZoneOffset.UTC, CLOCK, capacity);
    }

    private String stderrText() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    /** A sink that takes the lines containing {@code word}, upper-cased, and hands them to a queue. */
    /** What a test sink does with a line it takes. */
    private interface LineWrite {
        void write(byte[] encoded) throws IOException;
    }

    /** A sink of the lines whose text starts with "to sink", written by {@code write}. */
    private static LogSink toSink(LineWrite write) {
        return new LogSink() {
            @Override
            public byte[] encode(LogLine line) {
                return line.text().startsWith("to sink") ? line.message() : null;
            }

            @Override
            public void write(byte[] encoded) throws IOException {
                write.write(encoded);
            }
        };
    }

    private static final class Collecting implements LogSink {
        final BlockingQueue<String> written = new LinkedBlockingQueue<>();
        final String word;
        volatile boolean closed;

        Collecting(String word) {
            this.word = word;
        }

        @Override
        public byte[] encode(LogLine line) {
            return line.text().contains(word) ? new String(line.message(), StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8) : null;
        }

        @Override
        public void write(byte[] encoded) {
            written.add(new String(encoded, StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
            closed = true;
        }

        String next() throws InterruptedException {
            return written.poll(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSinkTakesItsLinesTheRestGoToTheDefaultWhichComesBackWhenTheSinkGoes() throws Exception {
        try (var p = pipeline(16)) {
            var sink = new Collecting("x");
            p.addSink(sink, "upper", EnumSet.allOf(Stream.class));
            p.server("x marks");
            p.request("GET /x");
            p.server("plain");
            assertEquals("X MARKS\n", sink.next());
            assertEquals("GET /X\n", sink.next());
            assertEquals("plain\n", stderrText());
            p.removeSink(sink);
            assertTrue(sink.closed);
            p.server("x again");
            assertEquals("plain\nx again\n", stderrText());
            assertEquals(0, sink.written.size());
        }
    }

    @Test
    void aSinkOfOneStreamLeavesTheOtherToTheDefault() throws Exception {
        try (var p = pipeline(16)) {
            var sink = new Collecting("");
            p.addSink(sink, "requests", EnumSet.of(Stream.REQUEST));
            p.server("server line");
            p.request("GET /");
            assertEquals("GET /\n", sink.next());
            assertEquals("server line\n", stderrText());
        }
    }

    @Test
    void theDefaultOutputIsEncodedByTheEncoderOfItsStream() {
        try (var p = pipeline(16)) {
            LogEncoder brackets = line -> ("[" + line.text() + "]\n").getBytes(StandardCharsets.UTF_8);
            p.addEncoder(brackets, EnumSet.of(Stream.REQUEST));
            p.server("server");
            p.request("GET /");
            p.removeEncoder(brackets);
            p.request("GET /b");
            assertEquals("server\n[GET /]\nGET /b\n", stderrText());
        }
    }

    @Test
    void heldLinesWaitForTheSinksThatComeAndKeepTheirOrder() throws Exception {
        try (var p = pipeline(16)) {
            p.hold();
            p.server("banner 1");
            p.server("banner 2");
            assertEquals("", stderrText());
            var sink = new Collecting("banner");
            p.addSink(sink, "all", EnumSet.allOf(Stream.class));
            p.release();
            assertEquals("BANNER 1\n", sink.next());
            assertEquals("BANNER 2\n", sink.next());
            p.server("after");
            assertEquals("after\n", stderrText());
        }
    }

    @Test
    void aStuckSinkDropsCountsAndSaysSoWithoutBlockingTheWriter() throws Exception {
        CountDownLatch unblock = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(1);
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        LogSink stuck = new LogSink() {
            @Override
            public byte[] encode(LogLine line) {
                return line.message();
            }

            @Override
            public void write(byte[] encoded) throws IOException {
                writing.countDown();
                try {
                    unblock.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                got.add(new String(encoded, StandardCharsets.UTF_8));
            }
        };
        try (var p = pipeline(4)) {
            p.addSink(stuck, "stuck", EnumSet.allOf(Stream.class));
            p.server("first");
            assertTrue(writing.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 10; i++) {
                p.server("line " + i); // 4 are queued, 6 dropped; never blocks
            }
            var status = p.sinkStatus().getFirst();
            assertEquals("stuck", status.name());
            assertEquals(6, status.dropped());
            unblock.countDown();
            List<String> lines = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                lines.add(got.poll(10, TimeUnit.SECONDS));
            }
            assertEquals(List.of("first\n", "line 0\n", "line 1\n", "line 2\n", "line 3\n",
                    "*** logger stuck dropped 6 log lines: it is too slow ***\n"), lines);
        }
    }

    @Test
    void aFailingSinkIsReportedOnceAndItsLossesCounted() throws Exception {
        try (var p = pipeline(16)) {
            LogSink failing = toSink(encoded -> {
                throw new IOException("Connection refused");
            });
            p.addSink(failing, "remote", EnumSet.allOf(Stream.class));
            p.server("to sink 1");
            p.server("to sink 2");
            p.removeSink(failing);
            String out = stderrText();
            assertTrue(out.contains("logger remote: write failed: Connection refused\n"), out);
            assertEquals(1, out.split("write failed", -1).length - 1, out);
        }
    }

    @Test
    void anOutageIsReportedOnceWhateverTheBatchesAndAgainAfterARecovery() throws Exception {
        try (var p = pipeline(16)) {
            java.util.concurrent.BlockingQueue<String> tried = new java.util.concurrent.LinkedBlockingQueue<>();
            java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean();
            LogSink flaky = toSink(encoded -> {
                tried.add(new String(encoded, java.nio.charset.StandardCharsets.UTF_8).strip());
                if (!up.get()) {
                    throw new IOException("Connection refused");
                }
            });
            p.addSink(flaky, "remote", EnumSet.allOf(Stream.class));
            for (String line : List.of("to sink 1", "to sink 2", "to sink 3")) { // each in a batch of its own
                p.server(line);
                assertEquals(line, tried.poll(10, TimeUnit.SECONDS));
            }
            up.set(true);
            p.server("to sink 4");
            assertEquals("to sink 4", tried.poll(10, TimeUnit.SECONDS));
            up.set(false);
            p.server("to sink 5");
            assertEquals("to sink 5", tried.poll(10, TimeUnit.SECONDS));
            p.removeSink(flaky);
            String out = stderrText();
            assertEquals(2, out.split("logger remote: write failed: Connection refused\n", -1).length - 1,
                    "once for lines 1-3, once for line 5: " + out);
            assertTrue(out.contains("*** logger remote lost 2 log lines: its writes failed ***\n"), "lines 2 and 3: " + out);
        }
    }

    @Test
    void theLogFileRotatesAtMaxsizeToTheBackupName() throws Exception {
        Path file = dir.resolve("app.log");
        Path backup = dir.resolve("app.log.old");
        try (var p = LogPipeline.open(TestOptions.of("logto", file.toString(), "log-maxsize", "50",
                "log-backupname", backup.toString()), stderr)) {
            p.server("a".repeat(30));
            p.server("b".repeat(30)); // 62 bytes > 50: rotated after this line
            p.server("c".repeat(10));
        }
        String old = Files.readString(backup);
        assertTrue(old.startsWith("a".repeat(30) + "\n" + "b".repeat(30) + "\n"), old);
        assertTrue(old.matches("(?s).*\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4} - logsize: 62, triggering rotation to "
                + java.util.regex.Pattern.quote(backup.toString()) + "\\.\\.\\.\n"), old);
        assertEquals("c".repeat(10) + "\n", Files.readString(file));
    }

    @Test
    void rotateOnDemandMovesTheFileToItsTimestampedNameAndStartsAFreshOne() throws Exception {
        Path file = dir.resolve("app.log");
        try (var p = LogPipeline.open(TestOptions.of("logto", file.toString()), stderr)) {
            p.server("before");
            p.rotate(); // --touch-logrotate: no --log-maxsize needed
            p.server("after");
        }
        try (var files = Files.list(dir)) {
            Path rotated = files.filter(f -> f.getFileName().toString().matches("app\\.log\\.\\d+")).findFirst().orElseThrow();
            assertTrue(Files.readString(rotated).matches("before\n.* - logsize: 7, triggering rotation to "
                    + java.util.regex.Pattern.quote(rotated.toString()) + "\\.\\.\\.\n"), Files.readString(rotated));
        }
        assertEquals("after\n", Files.readString(file));
    }

    @Test
    void rotateOnStderrDoesNothing() {
        try (var p = pipeline(16)) {
            p.server("one");
            p.rotate();
            p.server("two");
        }
        assertEquals("one\ntwo\n", stderrText());
    }

    @Test
    void switchToMovesTheDefaultOutputToTheLogto2FileFromTheNextLine() throws Exception {
        Path file = dir.resolve("later.log");
        try (var p = pipeline(16)) {
            p.server("early");
            p.switchTo(file.toString(), TestOptions.of());
            p.server("late");
            p.request("GET /late");
        }
        assertEquals("early\n", stderrText());
        assertEquals("late\nGET /late\n", Files.readString(file));
    }

    @Test
    void switchToAFileThatCannotOpenSaysWhyAndKeepsTheOutput() {
        try (var p = pipeline(16)) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(LogSetupException.class,
                    () -> p.switchTo(dir.resolve("no/such/dir.log").toString(), TestOptions.of()));
            assertEquals("open(\"" + dir.resolve("no/such/dir.log") + "\"): No such file or directory", e.getMessage());
            p.server("still here");
        }
        assertEquals("still here\n", stderrText());
    }

    @Test
    void reopenFollowsAFileMovedAway() throws Exception {
        Path file = dir.resolve("app.log");
        try (var p = LogPipeline.open(TestOptions.of("logto", file.toString()), stderr)) {
            p.server("before");
            Files.move(file, dir.resolve("app.log.1"));
            p.reopen();
            p.server("after");
        }
        assertTrue(Files.readString(dir.resolve("app.log.1")).matches("before\n\\[\\d+\\] logsize: 7, triggering log-reopen\\.\\.\\.\n"));
        assertTrue(Files.readString(file).matches("\\[\\d+\\] " + java.util.regex.Pattern.quote(file.toString()) + " reopened\\.\nafter\n"),
                Files.readString(file));
    }

    @Test
    void logtoHostPortSendsEachLineAsADatagram() throws Exception {
        try (DatagramChannel server = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            try (var p = LogPipeline.open(TestOptions.of("logto", "127.0.0.1:" + port, "threaded-logger", "true"), stderr)) {
                p.server("over udp");
                p.request("GET /udp");
            }
            assertEquals("over udp\n", receive(server));
            assertEquals("GET /udp\n", receive(server));
        }
    }

    private static String receive(DatagramChannel server) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(2048);
        server.receive(b);
        b.flip();
        return StandardCharsets.UTF_8.decode(b).toString();
    }
}
