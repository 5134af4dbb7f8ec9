package org.uwsgi4j.kernel.log;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
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
import org.uwsgi4j.kernel.api.LogEncoder;
import org.uwsgi4j.kernel.api.LogLine;
import org.uwsgi4j.kernel.api.LogSink;
import org.uwsgi4j.kernel.api.LogSubscriber;
import org.uwsgi4j.kernel.api.LogSubscriber.Stream;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.api.Strftime;

/**
 * Where every log line of the instance goes: the Java counterpart of uWSGI's log master.
 *
 * <pre>
 *  SLF4J, System.err, worker output ─▶ {@link #serverStream()} ─▶ server(line) ─┐ --log-date prefix
 *  RequestLog ──────────────────────────────────────────────────▶ request(line) ─┤
 *                                                                               ▼ one lock: lines keep their order
 *         ┌── raw line ─▶ bounded queue ─▶ subscriber thread ─▶ every {@link LogSubscriber} (alarms)
 *         ├── (held from {@link #hold()} to {@link #release()}: the banner waits for the logging plugins)
 *         ├── each {@link LogSink} of the stream: encode() here ─▶ its bounded queue ─▶ its thread ─▶ write()
 *         └── no sink took it: the stream's {@link LogEncoder} (if any) ─▶ the default output
 *               (stderr, --logto FILE with rotation, --logto HOST:PORT), written here,
 *               or through a queue and thread of its own with --threaded-logger
 * </pre>
 *
 * <p>{@link #installAsSystemErr()} makes {@code System.err} this pipeline (uWSGI dup2()s the log
 * file onto fd 2); {@link #close()} puts the previous stream back. Writers never wait for
 * subscribers or sinks: a full queue drops the line for that consumer only, counts it, and a
 * line says so once the consumer catches up.
 */
public final class LogPipeline implements AutoCloseable {

    /** Lines queued for subscribers, and for each sink, before new lines are dropped for them. */
    public static final int DEFAULT_QUEUE_CAPACITY = 8192;

    /** Lines held between {@link #hold()} and {@link #release()} at most; later ones go through. */
    static final int MAX_HELD = 100_000;

    private static final int MAX_PARTIAL_LINE = 64 * 1024;
    private static final Item STOP = new Item(Stream.SERVER, "");

    private record Item(Stream stream, String line) {
    }

    private record Subscription(LogSubscriber subscriber, Set<Stream> streams, AtomicBoolean failed) {
    }

    private record Sink(SinkQueue queue, Set<Stream> streams, AtomicBoolean failed) {
    }

    private record Encoder(LogEncoder encoder, Set<Stream> streams, AtomicBoolean failed) {
    }

    /** A sink as {@code uwsgi:loggers} shows it. */
    public record SinkStatus(String name, String description, Set<Stream> streams, long queued, long written,
                             long dropped, long failed) {
    }

    private final DefaultOutput output;
    private final OutputStream fallback;
    private final PerSecond datePrefix;
    private final Clock clock;
    private final int queueCapacity;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final BlockingQueue<Item> queue;
    private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Sink> sinks = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Encoder> encoders = new CopyOnWriteArrayList<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong defaultLines = new AtomicLong();
    private final PrintStream serverStream;
    private final SinkQueue threaded;
    private List<LogLine> held;
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
     * @param queueCapacity lines queued for subscribers (and each sink) at most
     */
    public LogPipeline(OutputStream sink, boolean closeSink, OutputStream fallback, String logDate,
                       ZoneId zone, Clock clock, int queueCapacity) {
        this(new StreamOutput(sink, closeSink), false, fallback, logDate, zone, clock, queueCapacity);
    }

    LogPipeline(LogOutput output, boolean threadedLogger, OutputStream fallback, String logDate,
                ZoneId zone, Clock clock, int queueCapacity) {
        this.output = new DefaultOutput(output);
        this.fallback = fallback;
        this.datePrefix = logDate == null ? null : new PerSecond(Strftime.compile(logDate), zone);
        this.clock = clock;
        this.queueCapacity = queueCapacity;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.serverStream = new PrintStream(new LineSplitter(), true, StandardCharsets.UTF_8);
        this.threaded = threadedLogger ? new SinkQueue("default", new OutputSink(this.output), queueCapacity, this::server) : null;
    }

    /**
     * The pipeline {@code options} ask for: {@code --logto FILE} (appended to, created with mode
     * 0640 if missing; truncated first with {@code --log-truncate}; rotated at
     * {@code --log-maxsize} to {@code --log-backupname}), {@code --logto HOST:PORT} (UDP), or else
     * {@code stderr}; the {@code --log-date[=FORMAT]} prefix and {@code --threaded-logger}.
     *
     * @throws LogSetupException when the log file cannot be opened; its message is the one line
     *                           to show the user
     */
    public static LogPipeline open(Options options, OutputStream stderr) throws LogSetupException {
        String logDate = logDatePattern(options.value("log-date"));
        Optional<String> logto = options.value("logto");
        ZoneId zone = ZoneId.systemDefault();
        Clock clock = Clock.systemUTC();
        LogOutput output = logto.isEmpty() ? new StreamOutput(stderr, false) : openOutput(logto.get(), options, clock, zone);
        return new LogPipeline(output, options.isTrue("threaded-logger"), stderr, logDate, zone, clock, DEFAULT_QUEUE_CAPACITY);
    }

    /** A {@code --logto}/{@code --logto2} value's output: a UDP address (it has a colon, uWSGI's rule) or a file. */
    private static LogOutput openOutput(String logto, Options options, Clock clock, ZoneId zone) throws LogSetupException {
        if (logto.contains(":")) {
            return UdpOutput.connect(logto);
        }
        return LogFile.open(Path.of(logto), options.isTrue("log-truncate"), options.number("log-maxsize"),
                options.value("log-backupname").orElse(null), clock, zone);
    }

    /**
     * {@code --logto2}: from the next line on, the default output is {@code logto} (a file,
     * with {@code --log-truncate}, {@code --log-maxsize} and {@code --log-backupname} as for
     * {@code --logto}, or a UDP address), opened now: uWSGI opens it after dropping the
     * privileges, so the file belongs to the unprivileged user. The output it replaces is closed.
     *
     * @throws LogSetupException when it cannot be opened (uWSGI's one line); the output stays
     */
    public void switchTo(String logto, Options options) throws LogSetupException {
        LogOutput next = openOutput(logto, options, clock, ZoneId.systemDefault());
        writeLock.lock();
        try {
            output.replace(next);
        } catch (IOException e) {
            writeQuietly(fallback, ("closing the log failed: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
        } finally {
            writeLock.unlock();
        }
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
        try {
            return java.nio.channels.Channels.newOutputStream(LogFile.openChannel(file, truncate));
        } catch (IOException e) {
            throw new LogSetupException("open(\"" + file + "\"): " + LogFile.reason(e));
        }
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

    /**
     * Makes {@code System.err} this pipeline again if something replaced it since
     * {@link #installAsSystemErr()}: Gogo's runtime puts its own stream (whose default is the
     * process's stderr) back at each shell command.
     */
    public synchronized void reclaimSystemErr() {
        if (previousErr != null && !closed && System.err != serverStream) {
            System.setErr(serverStream);
        }
    }

    /** A stream whose every line (UTF-8, up to a newline) is one {@link #server} line. */
    public PrintStream serverStream() {
        return serverStream;
    }

    /** Logs a server line (prefixed with the {@code --log-date} date, if any). */
    public void server(String line) {
        server(line, serverWanted);
    }

    /**
     * Logs a server line that no {@link LogSubscriber} receives, whatever thread logs it (the
     * kernel's {@link org.uwsgi4j.kernel.api.UnwatchedLog} service: an alarm's own output).
     */
    public void serverUnwatched(String line) {
        server(line, false);
    }

    private void server(String line, boolean wanted) {
        long micros = nowMicros();
        String text = datePrefix == null ? line : datePrefix.format(micros / 1_000_000) + " - " + line;
        byte[] bytes = (text + '\n').getBytes(StandardCharsets.UTF_8);
        emit(new LogLine(Stream.SERVER, text, bytes, micros), line, wanted);
    }

    /**
     * Logs a request line. Its chars are written as ISO-8859-1 bytes (request data are bytes
     * decoded one char per byte), or as UTF-8 if it holds a char above U+00FF.
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
        emit(new LogLine(Stream.REQUEST, line, bytes, nowMicros()), line, requestWanted);
    }

    private long nowMicros() {
        var now = clock.instant();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    private void emit(LogLine line, String raw, boolean wanted) {
        writeLock.lock();
        try {
            if (closed) {
                writeQuietly(fallback, line.message());
                return;
            }
            if (wanted && Thread.currentThread() != dispatcher && !queue.offer(new Item(line.stream(), raw))) {
                dropped.incrementAndGet();
            }
            if (held != null && held.size() < MAX_HELD) {
                held.add(line);
                return;
            }
            route(line);
        } finally {
            writeLock.unlock();
        }
    }

    /** Hands {@code line} to every sink of its stream, or to the default output if none takes it. */
    private void route(LogLine line) {
        boolean taken = false;
        for (Sink s : sinks) {
            if (!s.streams().contains(line.stream())) {
                continue;
            }
            byte[] bytes = encode(s.queue().name(), s.failed(), () -> s.queue().sink().encode(line));
            if (bytes != null) {
                s.queue().offer(bytes);
                taken = true;
            }
        }
        if (!taken) {
            writeDefault(encodeForDefault(line));
        }
    }

    private byte[] encodeForDefault(LogLine line) {
        for (Encoder e : encoders) {
            if (e.streams().contains(line.stream())) {
                byte[] bytes = encode(e.encoder().getClass().getName(), e.failed(), () -> e.encoder().encode(line));
                return bytes == null ? line.message() : bytes;
            }
        }
        return line.message();
    }

    private byte[] encode(String who, AtomicBoolean failed, java.util.function.Supplier<byte[]> encoding) {
        try {
            return encoding.get();
        } catch (RuntimeException | LinkageError e) {
            if (failed.compareAndSet(false, true)) {
                writeDefault(("log encoding of " + who + " failed: " + e + " (further failures are not reported)\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            return null;
        }
    }

    private void writeDefault(byte[] bytes) {
        defaultLines.incrementAndGet();
        if (threaded != null) {
            threaded.offer(bytes);
            return;
        }
        try {
            output.write(bytes);
        } catch (IOException e) {
            // like uWSGI: a failing write to the log is not reported (where would it go?)
        }
    }

    private static void writeQuietly(OutputStream out, byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            // nowhere left to report it
        }
    }

    /**
     * Holds lines back (still handing them to subscribers) until {@link #release()}: the
     * start-up lines wait there for the logging plugins the configuration names, so every line
     * of a run goes the same way. At most {@link #MAX_HELD} lines are held.
     */
    public void hold() {
        writeLock.lock();
        try {
            if (held == null && !closed) {
                held = new ArrayList<>();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Sends the held lines on, in order, to the sinks there are now; lines flow freely again. */
    public void release() {
        writeLock.lock();
        try {
            List<LogLine> lines = held;
            held = null;
            if (lines != null) {
                lines.forEach(this::route);
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Reopens the default output ({@code --touch-logreopen}, {@code --log-reopen}): only a file reopens. */
    public void reopen() {
        writeLock.lock();
        try {
            if (!closed) {
                output.reopen();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Rotates the default output now ({@code --touch-logrotate}): only a file rotates. */
    public void rotate() {
        writeLock.lock();
        try {
            if (!closed) {
                output.rotate();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Sends the lines of {@code streams} that {@code sink} takes to it, through a queue and a
     * thread of its own, from the next line on.
     */
    public void addSink(LogSink sink, String name, Set<Stream> streams) {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            SinkQueue q = new SinkQueue(name, sink, queueCapacity, this::server);
            sinks.add(new Sink(q, EnumSet.copyOf(streams), new AtomicBoolean()));
        } finally {
            writeLock.unlock();
        }
    }

    /** Stops sending lines to {@code sink}; what is queued is written (for up to a second), then it is closed. */
    public void removeSink(LogSink sink) {
        Sink gone = null;
        writeLock.lock();
        try {
            for (Sink s : sinks) {
                if (s.queue().sink() == sink) {
                    gone = s;
                    sinks.remove(s);
                    break;
                }
            }
        } finally {
            writeLock.unlock();
        }
        if (gone != null) {
            gone.queue().stop(1000);
        }
    }

    /** Encodes the default output's lines of {@code streams} with {@code encoder} (the first one registered for a stream wins). */
    public void addEncoder(LogEncoder encoder, Set<Stream> streams) {
        encoders.add(new Encoder(encoder, EnumSet.copyOf(streams), new AtomicBoolean()));
    }

    /** The default output's lines are no longer encoded by {@code encoder}. */
    public void removeEncoder(LogEncoder encoder) {
        encoders.removeIf(e -> e.encoder() == encoder);
    }

    /** The sinks, in the order they came, with their counters; the default output last. */
    public List<SinkStatus> sinkStatus() {
        List<SinkStatus> out = new ArrayList<>();
        for (Sink s : sinks) {
            var c = s.queue().counts();
            out.add(new SinkStatus(s.queue().name(), s.queue().sink().toString(), s.streams(), c.queued(), c.written(),
                    c.dropped(), c.failed()));
        }
        String encodings = encoders.isEmpty() ? "" : " encoded by " + encoders.stream().map(e -> e.encoder() + " " + e.streams()).toList();
        if (threaded != null) {
            var c = threaded.counts();
            out.add(new SinkStatus("default", output + " (threaded)" + encodings, EnumSet.allOf(Stream.class), c.queued(),
                    c.written(), c.dropped(), c.failed()));
        } else {
            long n = defaultLines.get();
            out.add(new SinkStatus("default", output + encodings, EnumSet.allOf(Stream.class), n, n, 0, 0));
        }
        return out;
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
     * Restores {@code System.err}, sends on any held lines, lets the subscriber thread and every
     * sink hand out what is queued (for up to a second each), then closes the log file. Lines
     * written afterwards go to the fallback stream.
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
        release();
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
        for (Sink s : List.copyOf(sinks)) {
            sinks.remove(s);
            s.queue().stop(1000);
        }
        if (threaded != null) {
            threaded.stop(1000);
        }
        writeLock.lock();
        try {
            closed = true;
            output.close();
        } catch (IOException e) {
            writeQuietly(fallback, ("closing the log failed: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
        } finally {
            writeLock.unlock();
        }
    }

    /** The default output as the threaded logger's sink. */
    private record OutputSink(LogOutput output) implements LogSink {
        @Override
        public byte[] encode(LogLine line) {
            return line.message();
        }

        @Override
        public void write(byte[] encoded) throws IOException {
            output.write(encoded);
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
