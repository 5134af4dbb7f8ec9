package org.uwsgi4j.launcher;

import java.nio.charset.StandardCharsets;

/**
 * Finds, in what the JVM writes to its stdout, the thread dumps HotSpot prints when it gets
 * SIGQUIT: each dump is reported once ({@code onDump}) and swallowed; every other byte is passed
 * on unchanged and in order. A push filter with no I/O: bytes come in through {@link #feed},
 * time through {@link #tick} (the caller asks {@link #deadline} when it is due).
 *
 * <pre>
 *          "YYYY-MM-DD hh:mm:ss\n" "Full thread dump …):\n"            "JNI global refs: …\n"
 *  PASS ───(or that header line alone, at a line start)──▶ DUMP ─────────────────────────▶ TAIL
 *   ▲ ▲                                                     │ (swallows every byte)          │ its "\n",
 *   │ └─────────────── 2 s without input ◀──────────────────┘                                │ if it comes
 *   └──────────────── PASS, with the extras window open for 5 s ◀────────────────────────────┘
 *
 *  extras, at a line start while the window is open (what HotSpot prints after the threads):
 *    "\nFound one Java-level deadlock:\n" … "Found N deadlock(s).\n" "\n"   (the window stays open)
 *    "Heap\n", then the lines starting with a space, then "\n"               (closes the window)
 * </pre>
 *
 * What HotSpot prints on SIGQUIT (JDK 25, {@code signal_thread_entry}): the thread dump
 * ({@code VM_PrintThreads}: a time stamp line, the {@code Full thread dump NAME (VERSION INFO):}
 * header, the threads, then {@code JNI global refs: N, weak refs: M} and a blank line), then a
 * deadlock report if there is a deadlock, then the heap summary ({@code PrintHeapAtSIGBREAK}, on
 * by default). The extras come after the safepoint, so other output may come between them and
 * the dump: it is passed on, and the extras are still recognised while the window is open.
 *
 * <p>Bytes that may begin a dump (a trailing digit, say) are held back until the following
 * bytes decide, or until {@value #HOLD_MILLIS} ms pass without input: then they are passed on.
 * The filter fails open: what it cannot recognise is passed on, never dropped, except inside a
 * dump, which ends at its last line or after {@value #IDLE_MILLIS} ms without input.
 */
final class ThreadDumpFilter {

    /** Where the bytes that are not a dump go; the array is only valid during the call. */
    interface Output {
        void write(byte[] bytes, int off, int len);
    }

    static final long HOLD_MILLIS = 500;
    static final long IDLE_MILLIS = 2_000;
    static final long EXTRAS_MILLIS = 5_000;
    /** No deadline: nothing is held, no dump is under way. */
    static final long NONE = Long.MAX_VALUE;

    private static final long HOLD = HOLD_MILLIS * 1_000_000;
    private static final long IDLE = IDLE_MILLIS * 1_000_000;
    private static final long EXTRAS = EXTRAS_MILLIS * 1_000_000;
    private static final byte[] STAMP = ascii("0000-00-00 00:00:00\n"); // '0': any digit
    private static final byte[] HEADER = ascii("Full thread dump ");
    private static final byte[] HEADER_END = ascii("):");
    private static final int MAX_HEADER = 512;
    private static final byte[] JNI = ascii("JNI global refs: ");
    private static final byte[] HEAP = ascii("Heap\n");
    private static final byte[] DEADLOCK = ascii("\nFound one Java-level deadlock:\n");
    private static final byte[] DEADLOCKS_FOUND = ascii("Found ");
    private static final int NO = -1;
    private static final int PARTIAL = 0;

    private enum State { PASS, DUMP, DUMP_TAIL, HEAP, DEADLOCK, DEADLOCK_TAIL }

    private enum Kind { DUMP, HEAP, DEADLOCK }

    private final Output out;
    private final Runnable onDump;
    private byte[] pending = new byte[4096];
    private int pendingLen;
    /** The stream's byte before {@code pending[0]}; a line start at first. */
    private byte prev = '\n';
    private State state = State.PASS;
    private long lastInput;
    private boolean extrasOpen;
    private long extrasUntil;
    /** The first bytes of the current line, inside a dump or report. */
    private final byte[] line = new byte[64];
    private int lineLen;
    /** Set by {@link #candidate}: what a match starts. */
    private Kind matched;

    ThreadDumpFilter(Output out, Runnable onDump) {
        this.out = out;
        this.onDump = onDump;
    }

    /** Takes {@code len} bytes read at {@code now} (nanoseconds, {@link System#nanoTime()}). */
    void feed(byte[] bytes, int off, int len, long now) {
        if (pendingLen + len > pending.length) {
            pending = java.util.Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLen + len));
        }
        System.arraycopy(bytes, off, pending, pendingLen, len);
        pendingLen += len;
        lastInput = now;
        run(now, false);
    }

    /** When {@link #tick} is next due, or {@link #NONE}. */
    long deadline() {
        return switch (state) {
            case PASS -> pendingLen > 0 ? lastInput + HOLD : NONE;
            case DUMP_TAIL, DEADLOCK_TAIL -> lastInput + HOLD;
            case DUMP, HEAP, DEADLOCK -> lastInput + IDLE;
        };
    }

    /** Lets time pass: held bytes are passed on, a dump that stopped coming is over. */
    void tick(long now) {
        switch (state) {
            case PASS -> {
                if (pendingLen > 0 && now - lastInput >= HOLD) {
                    run(now, true);
                }
            }
            case DUMP_TAIL, DEADLOCK_TAIL -> {
                if (now - lastInput >= HOLD) {
                    state = State.PASS;
                }
            }
            case DUMP, HEAP, DEADLOCK -> {
                if (now - lastInput >= IDLE) {
                    state = State.PASS;
                    lineLen = 0;
                }
            }
        }
    }

    /** The end of the stream: what is held is passed on. */
    void finish() {
        if (state == State.PASS && pendingLen > 0) {
            run(lastInput, true);
        }
    }

    private void run(long now, boolean flushHeld) {
        int pos = 0;
        while (pos < pendingLen) {
            State before = state;
            int used = switch (state) {
                case PASS -> pass(pos, now, flushHeld);
                case DUMP, DEADLOCK -> swallowLines(pos, now);
                case DUMP_TAIL, DEADLOCK_TAIL -> blankLine(pos);
                case HEAP -> heap(pos);
            };
            if (used == 0 && state == before) {
                break; // held until more bytes come
            }
            pos += used;
        }
        if (pos > 0) {
            prev = pending[pos - 1];
            System.arraycopy(pending, pos, pending, 0, pendingLen - pos);
            pendingLen -= pos;
        }
    }

    /** PASS: passes bytes on up to the first possible start of something to swallow. */
    private int pass(int pos, long now, boolean flushHeld) {
        for (int i = pos; i < pendingLen; i++) {
            int match = candidate(i, now);
            if (match == NO || (match == PARTIAL && flushHeld)) {
                continue;
            }
            if (i > pos) {
                out.write(pending, pos, i - pos);
                return i - pos;
            }
            if (match == PARTIAL) {
                return 0;
            }
            switch (matched) {
                case DUMP -> {
                    state = State.DUMP;
                    onDump.run();
                }
                case HEAP -> state = State.HEAP;
                case DEADLOCK -> state = State.DEADLOCK;
            }
            lineLen = 0;
            return match;
        }
        out.write(pending, pos, pendingLen - pos);
        return pendingLen - pos;
    }

    /** Whether something to swallow starts at {@code i}: {@link #NO}, {@link #PARTIAL} or its length. */
    private int candidate(int i, long now) {
        byte before = i == 0 ? prev : pending[i - 1];
        boolean lineStart = before == '\n';
        matched = Kind.DUMP;
        if (isDigit(pending[i]) && !isDigit(before)) {
            int stamp = stampedHeader(i);
            if (stamp != NO) {
                return stamp;
            }
        }
        if (!lineStart) {
            return NO;
        }
        int header = header(i);
        if (header != NO || !extrasOpen || now - extrasUntil >= 0) {
            return header;
        }
        matched = Kind.HEAP;
        int heap = literal(i, HEAP);
        if (heap != NO) {
            return heap;
        }
        matched = Kind.DEADLOCK;
        return literal(i, DEADLOCK);
    }

    /** The time stamp line, then the header line. */
    private int stampedHeader(int i) {
        for (int k = 0; k < STAMP.length; k++) {
            if (i + k == pendingLen) {
                return PARTIAL;
            }
            byte b = pending[i + k];
            if (STAMP[k] == '0' ? !isDigit(b) : b != STAMP[k]) {
                return NO;
            }
        }
        int header = header(i + STAMP.length);
        return header > 0 ? STAMP.length + header : header;
    }

    /** {@code Full thread dump …):\n}. */
    private int header(int i) {
        int start = literal(i, HEADER);
        if (start <= 0) {
            return start;
        }
        for (int k = i + HEADER.length; k < pendingLen && k - i < MAX_HEADER; k++) {
            if (pending[k] == '\n') {
                boolean closed = k - 2 >= i + HEADER.length && pending[k - 2] == HEADER_END[0] && pending[k - 1] == HEADER_END[1];
                return closed ? k + 1 - i : NO;
            }
        }
        return pendingLen - i < MAX_HEADER ? PARTIAL : NO;
    }

    private int literal(int i, byte[] text) {
        for (int k = 0; k < text.length; k++) {
            if (i + k == pendingLen) {
                return PARTIAL;
            }
            if (pending[i + k] != text[k]) {
                return NO;
            }
        }
        return text.length;
    }

    /** DUMP and DEADLOCK: swallows every byte, up to and including the report's last line. */
    private int swallowLines(int pos, long now) {
        for (int i = pos; i < pendingLen; i++) {
            byte b = pending[i];
            if (b != '\n') {
                if (lineLen < line.length) {
                    line[lineLen] = b;
                }
                lineLen++;
                continue;
            }
            boolean last = state == State.DUMP ? startsWith(JNI) : isDeadlocksFound();
            lineLen = 0;
            if (last) {
                state = state == State.DUMP ? State.DUMP_TAIL : State.DEADLOCK_TAIL;
                extrasOpen = true;
                extrasUntil = now + EXTRAS;
                return i + 1 - pos;
            }
        }
        return pendingLen - pos;
    }

    /** After a dump or report: its closing blank line, if it comes. */
    private int blankLine(int pos) {
        state = State.PASS;
        return pending[pos] == '\n' ? 1 : 0;
    }

    /** HEAP: swallows the lines starting with a space, and the blank line that ends them. */
    private int heap(int pos) {
        int i = pos;
        if (lineLen == 0) {
            if (pending[i] == '\n') {
                state = State.PASS;
                extrasOpen = false; // the heap summary is the last thing HotSpot prints
                return 1;
            }
            if (pending[i] != ' ') {
                state = State.PASS; // not the heap's: passed on
                return 0;
            }
        }
        for (; i < pendingLen; i++) {
            if (pending[i] == '\n') {
                lineLen = 0;
                return i + 1 - pos;
            }
            lineLen++;
        }
        return i - pos;
    }

    private boolean startsWith(byte[] text) {
        if (lineLen < text.length) {
            return false;
        }
        for (int k = 0; k < text.length; k++) {
            if (line[k] != text[k]) {
                return false;
            }
        }
        return true;
    }

    /** {@code Found N deadlock.} or {@code Found N deadlocks.} */
    private boolean isDeadlocksFound() {
        if (!startsWith(DEADLOCKS_FOUND) || lineLen > line.length) {
            return false;
        }
        String text = new String(line, 0, lineLen, StandardCharsets.ISO_8859_1);
        return text.matches("Found \\d+ deadlocks?\\.");
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
