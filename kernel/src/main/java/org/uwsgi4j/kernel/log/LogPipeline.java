package org.uwsgi4j.kernel.log;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.uwsgi4j.kernel.api.LogSubscriber;
import org.uwsgi4j.kernel.api.LogSubscriber.Stream;
import org.uwsgi4j.kernel.api.Options;

/**
 * Where every log line of the instance goes: the Java counterpart of uWSGI's fd 2.
 *
 * <pre>
 *  SLF4J (launcher's LineLog) ─▶ System.err ═▶ {@link #serverStream()} ─┐
 *  anything else on System.err ─────────────┘                          ├─▶ server(line) ─┐
 *                                                                      │                 │ --log-date prefix (server lines only)
 *  RequestLog ───────────────────────────────────────────────────────────▶ request(line) ─┤
 *                                                                                         ├─▶ sink: stderr, or --logto FILE
 *                                                                                         │   (one write per line, in order)
 *                                                                                         └─▶ bounded queue ─▶ subscriber thread
 *                                                                                             ─▶ every {@link LogSubscriber}
 * </pre>
 *
 * <p>{@link #installAsSystemErr()} makes {@code System.err} this pipeline (uWSGI dup2()s the log
 * file onto fd 2); {@link #close()} puts the previous stream back. Writers never wait for
 * subscribers: a line is written to the sink synchronously (like uWSGI's write(2)) and offered
 * to the subscribers' queue; when that queue is full the line is dropped for subscribers only
 * and the loss is logged once the subscriber thread catches up.
 */
public final class LogPipeline implements AutoCloseable {

    /** Lines queued for subscribers before new lines are dropped for them. */
    public static final int DEFAULT_QUEUE_CAPACITY = 8192;

    private static final int MAX_PARTIAL_LINE = 64 * 1024;
    private static final Item STOP = new Item(Stream.SERVER, "");

    private record Item(Stream stream, String line) {
    }

    private record Subscription(LogSubscriber subscriber, Set<Stream> streams, AtomicBoolean failed) {
    }

    private final OutputStream sink;
    private final boolean closeSink;
    private final OutputStream fallback;
    private final PerSecond datePrefix;
    private final Clock clock;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final BlockingQueue<Item> queue;
    private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final AtomicLong dropped = new AtomicLong();
    private final PrintStream serverStream;
    private volatile boolean serverWanted;
    private volatile boolean requestWanted;
    private volatile boolean closed;
    private volatile Thread dispatcher;
    private PrintStream previousErr;

    /**
     * A pipeline writing to {@code sink}.
     *
     * @param sink          where lines are written (the log file, or the process's stderr)
     * @param closeSink     whether {@link #close()} closes {@code sink} (true for a file)
     * @param fallback      where lines go after {@link #close()} (the process's stderr)
     * @param logDate       strftime pattern of the {@code --log-date} prefix, or null for none
     * @param zone          time zone of the prefix
     * @param clock         source of "now" for the prefix
     * @param queueCapacity lines queued for subscribers at most
     */
    public LogPipeline(OutputStream sink, boolean closeSink, OutputStream fallback, String logDate,
                       ZoneId zone, Clock clock, int queueCapacity) {
        this.sink = sink;
        this.closeSink = closeSink;
        this.fallback = fallback;
        this.datePrefix = logDate == null ? null : new PerSecond(Strftime.compile(logDate), zone);
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.serverStream = new PrintStream(new LineSplitter(), true, StandardCharsets.UTF_8);
    }

    /**
     * The pipeline {@code options} ask for: {@code --logto FILE} (appended to, created with mode
     * 0640 if missing; truncated first with {@code --log-truncate}) or else {@code stderr}, and
     * the {@code --log-date[=FORMAT]} prefix.
     *
     * @throws LogSetupException when the log file cannot be opened; its message is the one line
     *                           to show the user
     */
    public static LogPipeline open(Options options, OutputStream stderr) throws LogSetupException {
        String logDate = logDatePattern(options.value("log-date"));
        Optional<String> logto = options.value("logto");
        if (logto.isEmpty()) {
            return new LogPipeline(stderr, false, stderr, logDate, ZoneId.systemDefault(), Clock.systemUTC(), DEFAULT_QUEUE_CAPACITY);
        }
        OutputStream file = openLogFile(Path.of(logto.get()), options.isTrue("log-truncate"));
        return new LogPipeline(file, true, stderr, logDate, ZoneId.systemDefault(), Clock.systemUTC(), DEFAULT_QUEUE_CAPACITY);
    }

    /**
     * The strftime pattern for a {@code --log-date} value: none when absent or false, ctime's
     * layout ({@code Sun Nov 22 03:04:56 2026}) for a bare flag or a true value, else the value.
     */
    static String logDatePattern(Optional<String> value) {
        if (value.isEmpty()) {
            return null;
        }
        return switch (value.get().strip().toLowerCase(Locale.ROOT)) {
            case "", "true", "1", "yes", "on" -> Strftime.CTIME.pattern();
            case "false", "0", "no", "off" -> null;
            default -> value.get();
        };
    }

    /**
     * Opens {@code file} for appending (or truncated), as uWSGI's {@code --logto} does: created
     * with mode 0640 when missing; the exception's message is uWSGI's one line
     * ({@code open("FILE"): No such file or directory}).
     */
    public static OutputStream openLogFile(Path file, boolean truncate) throws LogSetupException {
        Set<OpenOption> open = truncate
                ? Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)
                : Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        try {
            FileChannel channel;
            try {
                channel = FileChannel.open(file, open, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
            } catch (UnsupportedOperationException notPosix) {
                channel = FileChannel.open(file, open);
            }
            return Channels.newOutputStream(channel);
        } catch (IOException e) {
            throw new LogSetupException("open(\"" + file + "\"): " + reason(e));
        }
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage();
    }

    /**
     * Makes {@code System.err} write into this pipeline; {@link #close()} restores the stream it
     * replaces. The launcher's SLF4J binding writes to the current {@code System.err}, so after
     * this every SLF4J line goes through the pipeline.
     */
    public synchronized void installAsSystemErr() {
        if (previousErr == null) {
            previousErr = System.err;
            System.setErr(serverStream);
        }
    }

    /** A stream whose every line (UTF-8, up to a newline) is one {@link #server} line. */
    public PrintStream serverStream() {
        return serverStream;
    }

    /** Writes a server log line (prefixed with the {@code --log-date} date, if any). */
    public void server(String line) {
        StringBuilder out = new StringBuilder(line.length() + 40);
        if (datePrefix != null) {
            out.append(datePrefix.format(clock.instant().getEpochSecond())).append(" - ");
        }
        out.append(line).append('\n');
        write(Stream.SERVER, line, out.toString().getBytes(StandardCharsets.UTF_8), serverWanted);
    }

    /**
     * Writes a request log line. Its chars are written as ISO-8859-1 bytes (request data are
     * bytes decoded one char per byte), or as UTF-8 if it holds a char above U+00FF.
     */
    public void request(String line) {
        int n = line.length();
        byte[] bytes = new byte[n + 1];
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (c > 0xFF) {
                bytes = (line + '\n').getBytes(StandardCharsets.UTF_8);
                break;
            }
            bytes[i] = (byte) c;
        }
        bytes[bytes.length - 1] = '\n';
        write(Stream.REQUEST, line, bytes, requestWanted);
    }

    private void write(Stream stream, String line, byte[] bytes, boolean wanted) {
        writeLock.lock();
        try {
            OutputStream out = closed ? fallback : sink;
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                // like uWSGI: a failing log write is not reported (where would it go?)
            }
            if (wanted && !closed && Thread.currentThread() != dispatcher && !queue.offer(new Item(stream, line))) {
                dropped.incrementAndGet();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Starts handing lines of {@code streams} to {@code subscriber}, on the subscriber thread
     * (started with the first subscription).
     */
    public synchronized void subscribe(LogSubscriber subscriber, Set<Stream> streams) {
        if (closed) {
            return;
        }
        subscriptions.add(new Subscription(subscriber, EnumSet.copyOf(streams), new AtomicBoolean()));
        updateInterest();
        if (dispatcher == null) {
            dispatcher = Thread.ofPlatform().name("uwsgi4j-log-subscribers").daemon().start(this::dispatch);
        }
    }

    /** Stops handing lines to {@code subscriber}; lines already queued may still reach it. */
    public synchronized void unsubscribe(LogSubscriber subscriber) {
        subscriptions.removeIf(s -> s.subscriber() == subscriber);
        updateInterest();
    }

    /** Lines dropped for subscribers and not yet reported. */
    long droppedLines() {
        return dropped.get();
    }

    private void updateInterest() {
        serverWanted = subscriptions.stream().anyMatch(s -> s.streams().contains(Stream.SERVER));
        requestWanted = subscriptions.stream().anyMatch(s -> s.streams().contains(Stream.REQUEST));
    }

    private void dispatch() {
        try {
            for (Item item = queue.take(); item != STOP; item = queue.take()) {
                deliver(item);
                if (queue.isEmpty()) {
                    reportLoss();
                }
            }
            reportLoss(); // STOP may have been queued right behind the last line
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        }
    }

    private void reportLoss() {
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            server("*** " + lost + " log lines were not handed to log subscribers: they are too slow ***");
        }
    }

    private void deliver(Item item) {
        for (Subscription s : subscriptions) {
            if (!s.streams().contains(item.stream())) {
                continue;
            }
            try {
                s.subscriber().line(item.stream(), item.line());
            } catch (RuntimeException | LinkageError e) {
                if (s.failed().compareAndSet(false, true)) {
                    server("log subscriber " + s.subscriber().getClass().getName() + " failed: " + e
                            + " (further failures of it are not reported)");
                }
            }
        }
    }

    /**
     * Restores {@code System.err}, lets the subscriber thread hand out what is queued (for up
     * to a second), then closes the log file. Lines written afterwards go to the fallback stream.
     */
    @Override
    public void close() {
        Thread d;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (previousErr != null && System.err == serverStream) {
                System.setErr(previousErr);
            }
            d = dispatcher;
        }
        if (d != null) {
            try {
                if (!queue.offer(STOP, 1, TimeUnit.SECONDS)) {
                    d.interrupt();
                }
                d.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            d.interrupt();
        }
        writeLock.lock();
        try {
            closed = true;
            if (closeSink) {
                sink.close();
            }
        } catch (IOException e) {
            // nothing left to report it to but the fallback
            server("closing the log file failed: " + e.getMessage());
        } finally {
            writeLock.unlock();
        }
    }

    /** Collects bytes up to each newline and writes them as one server line. */
    private final class LineSplitter extends OutputStream {
        private byte[] buf = new byte[256];
        private int len;

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                emit();
                return;
            }
            ensure(1);
            buf[len++] = (byte) b;
            if (len >= MAX_PARTIAL_LINE) {
                emit();
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int n) {
            int end = off + n;
            for (int i = off; i < end; i++) {
                if (b[i] == '\n') {
                    ensure(i - off);
                    System.arraycopy(b, off, buf, len, i - off);
                    len += i - off;
                    emit();
                    off = i + 1;
                }
            }
            if (off < end) {
                ensure(end - off);
                System.arraycopy(b, off, buf, len, end - off);
                len += end - off;
                if (len >= MAX_PARTIAL_LINE) {
                    emit();
                }
            }
        }

        private void ensure(int more) {
            if (len + more > buf.length) {
                byte[] bigger = new byte[Math.max(buf.length * 2, len + more)];
                System.arraycopy(buf, 0, bigger, 0, len);
                buf = bigger;
            }
        }

        private void emit() {
            int n = len > 0 && buf[len - 1] == '\r' ? len - 1 : len;
            String line = new String(buf, 0, n, StandardCharsets.UTF_8);
            len = 0;
            if (buf.length > 4096) {
                buf = new byte[256];
            }
            server(line);
        }
    }
}
