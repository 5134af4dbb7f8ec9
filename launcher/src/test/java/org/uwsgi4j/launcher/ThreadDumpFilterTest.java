package org.uwsgi4j.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ThreadDumpFilter} on real HotSpot output (JDK 25, captured with {@code kill -QUIT}):
 * {@code sigquit-serial.txt} (SerialGC, as bin/uwsgi4j runs) and {@code sigquit-g1-deadlock.txt}
 * (G1, with a deadlock report), cut at every place a read could cut them.
 */
class ThreadDumpFilterTest {

    private static final long MS = 1_000_000;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int dumps;
    private final ThreadDumpFilter filter = new ThreadDumpFilter(out::write, () -> dumps++);
    private long now = 1_000 * MS;

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = ThreadDumpFilterTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        var all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        return all.toByteArray();
    }

    private void feed(byte[] bytes) {
        filter.feed(bytes, 0, bytes.length, now);
    }

    private void feed(String text) {
        feed(ascii(text));
    }

    private String passed() {
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void ordinaryOutputPassesThroughByteForByte() {
        var random = new Random(42);
        var input = new ByteArrayOutputStream();
        String[] lookalikes = {"2026-11-22 06:42:30\n", "2026-11-22 06:42:3", "Full thread dump of notes\n", "Heap\n",
                " indented\n", "\n", "JNI global refs: 1, weak refs: 0\n", "12", "g! ", "\nFound one Java-level deadlock:\n"};
        for (int i = 0; i < 2_000; i++) {
            if (random.nextInt(4) == 0) {
                input.writeBytes(ascii(lookalikes[random.nextInt(lookalikes.length)]));
            } else {
                byte[] noise = new byte[random.nextInt(40)];
                random.nextBytes(noise);
                input.writeBytes(noise);
            }
        }
        byte[] all = input.toByteArray();
        for (int off = 0; off < all.length; ) {
            int len = Math.min(all.length - off, 1 + random.nextInt(300));
            filter.feed(all, off, len, now);
            off += len;
            now += random.nextInt(3) * ThreadDumpFilter.HOLD_MILLIS * MS / 2;
            filter.tick(now);
        }
        filter.finish();
        assertEquals(0, dumps);
        assertEquals(new String(all, StandardCharsets.ISO_8859_1), passed());
    }

    @Test
    void aDumpIsSwallowedAndReportedOnce() throws IOException {
        feed(concat(ascii("before\n"), fixture("sigquit-serial.txt"), ascii("after\n")));
        filter.finish();
        assertEquals(1, dumps);
        assertEquals("before\nafter\n", passed());
    }

    @Test
    void aDumpCutAnywhereIntoTwoReadsIsStillOneSwallowedDump() throws IOException {
        byte[] all = concat(ascii("before 1\n"), fixture("sigquit-serial.txt"), ascii("after 2"));
        for (int cut = 0; cut <= all.length; cut++) {
            var sink = new ByteArrayOutputStream();
            int[] seen = {0};
            var f = new ThreadDumpFilter(sink::write, () -> seen[0]++);
            f.feed(all, 0, cut, now);
            f.feed(all, cut, all.length - cut, now);
            f.finish();
            assertEquals(1, seen[0], "cut at " + cut);
            assertEquals("before 1\nafter 2", sink.toString(StandardCharsets.ISO_8859_1), "cut at " + cut);
        }
    }

    @Test
    void aDumpReadOneByteAtATimeIsOneSwallowedDump() throws IOException {
        byte[] all = concat(ascii("x\n"), fixture("sigquit-g1-deadlock.txt"), ascii("y\n"));
        for (int i = 0; i < all.length; i++) {
            filter.feed(all, i, 1, now);
        }
        filter.finish();
        assertEquals(1, dumps);
        assertEquals("x\ny\n", passed());
    }

    @Test
    void twoDumpsAreTwoQuitsAndWhatComesBetweenPasses() throws IOException {
        feed(concat(fixture("sigquit-serial.txt"), ascii("between\n"), fixture("sigquit-g1-deadlock.txt"), ascii("end\n")));
        assertEquals(2, dumps);
        assertEquals("between\nend\n", passed());
    }

    @Test
    void theDeadlockReportAndTheHeapSummaryAreSwallowedWithTheDump() throws IOException {
        String dump = new String(fixture("sigquit-g1-deadlock.txt"), StandardCharsets.ISO_8859_1);
        assertTrue(dump.contains("Found one Java-level deadlock:") && dump.contains("\nHeap\n"), "the fixture has both");
        feed(dump);
        feed("next\n");
        assertEquals(1, dumps);
        assertEquals("next\n", passed());
    }

    @Test
    void outputBetweenTheThreadsAndTheHeapSummaryPassesAndTheSummaryIsStillSwallowed() throws IOException {
        String dump = new String(fixture("sigquit-serial.txt"), StandardCharsets.ISO_8859_1);
        int heap = dump.indexOf("\nHeap\n") + 1;
        String between = "[2.345s][info][safepoint] Safepoint \"PrintThreads\", Time since last: 1 ns\n";
        feed(dump.substring(0, heap));
        now += 100 * MS;
        feed(between);
        now += 100 * MS;
        filter.tick(now);
        feed(dump.substring(heap));
        feed("later\n");
        assertEquals(1, dumps);
        assertEquals(between + "later\n", passed());
    }

    @Test
    void aDumpAfterAPartialLineLeavesThatLineAlone() throws IOException {
        feed("g! ");
        assertEquals("g! ", passed(), "a prompt is passed on at once");
        feed(fixture("sigquit-serial.txt"));
        assertEquals(1, dumps);
        assertEquals("g! ", passed());
    }

    @Test
    void bytesThatMayStartADumpAreHeldOnlyUntilTheHoldTimeIsOver() {
        feed("count: 12");
        assertEquals("count: ", passed());
        assertEquals(now + ThreadDumpFilter.HOLD_MILLIS * MS, filter.deadline());
        filter.tick(now + ThreadDumpFilter.HOLD_MILLIS * MS - 1);
        assertEquals("count: ", passed());
        filter.tick(now + ThreadDumpFilter.HOLD_MILLIS * MS);
        assertEquals("count: 12", passed());
        assertEquals(ThreadDumpFilter.NONE, filter.deadline());
    }

    @Test
    void aHeaderWhoseTimeStampWasPassedOnIsStillADump() throws IOException {
        String dump = new String(fixture("sigquit-serial.txt"), StandardCharsets.ISO_8859_1);
        int header = dump.indexOf("Full thread dump");
        feed(dump.substring(0, header - 1)); // the stamp, without its newline
        now += ThreadDumpFilter.HOLD_MILLIS * MS;
        filter.tick(now);
        feed(dump.substring(header - 1));
        assertEquals(1, dumps);
        assertEquals(dump.substring(0, header), passed(), "only the stamp line got through");
    }

    @Test
    void aDumpThatStopsComingIsOverAfterTheIdleTime() throws IOException {
        String dump = new String(fixture("sigquit-serial.txt"), StandardCharsets.ISO_8859_1);
        feed(dump.substring(0, dump.indexOf("JNI global refs")));
        assertEquals(now + ThreadDumpFilter.IDLE_MILLIS * MS, filter.deadline());
        filter.tick(now + ThreadDumpFilter.IDLE_MILLIS * MS - 1);
        feed("still the dump\n");
        now += ThreadDumpFilter.IDLE_MILLIS * MS;
        filter.tick(now);
        feed("after\n");
        assertEquals(1, dumps);
        assertEquals("after\n", passed());
    }

    @Test
    void lookalikesOutsideADumpPass() {
        String text = "2026-11-22 06:42:30\nFull thread dump of my notes\nHeap\n indented\n\n"
                + "\nFound one Java-level deadlock:\nFound 1 deadlock.\n\n";
        feed(text);
        filter.finish();
        assertEquals(0, dumps);
        assertEquals(text, passed());
    }

    @Test
    void theExtrasWindowCloses() throws IOException {
        String dump = new String(fixture("sigquit-serial.txt"), StandardCharsets.ISO_8859_1);
        feed(dump.substring(0, dump.indexOf("Heap\n")));
        now += ThreadDumpFilter.EXTRAS_MILLIS * MS;
        filter.tick(now);
        feed("Heap\n not the JVM's\n\n");
        assertEquals(1, dumps);
        assertEquals("Heap\n not the JVM's\n\n", passed());
    }
}
