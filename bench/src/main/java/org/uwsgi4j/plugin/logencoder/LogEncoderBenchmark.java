package org.uwsgi4j.plugin.logencoder;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.uwsgi4j.kernel.api.LogSubscriber.Stream;
import org.uwsgi4j.kernel.log.LogPipeline;

/**
 * What logging costs the thread that finishes a request: the json encoder on uWSGI's default
 * request line (plain, and one full of quotes, control characters and bytes that are no UTF-8),
 * and the whole {@code LogPipeline.request(line)} call with no logger (the default output, here
 * a discarding stream) and with a {@code --req-logger} whose chain is {@code json} + {@code nl}
 * (encoded on this thread, then queued for the logger's thread, which discards it).
 *
 * <p>In the plugin's package (on a plain class path the package-private encoder is reachable).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-XX:+UseSerialGC", "-Xmx64m"})
public class LogEncoderBenchmark {

    /** uWSGI's default request line, as uwsgi4j logs it for a browser GET. */
    static final String LINE = "[pid: 10859|app: 0|req: 1234/5678] 127.0.0.1 () {30 vars in 351 bytes} "
            + "[Sun Nov 22 03:03:55 2026] GET /static/app.js?v=3 => generated 5120 bytes in 1 msecs (HTTP/1.1 200) "
            + "2 headers in 80 bytes (1 switches on core 0)";
    /** The same with a hostile URI: quotes, backslashes, a control character, latin-1 bytes. */
    static final String NASTY = LINE.replace("/static/app.js?v=3", "/q\"uo\\te/\u00ff\u00fe?x=\"1\"&y=\u0001\u001b");
    static final String JSON = "{\"time\":${millis},\"line\":\"${msg}\"}";

    private Encoder json;
    private byte[] line;
    private byte[] nasty;
    private LogPipeline plain;
    private LogPipeline withLogger;

    @Setup(Level.Trial)
    public void setUp() {
        json = Template.compile(JSON, true, ZoneOffset.UTC);
        line = (LINE + "\n").getBytes(StandardCharsets.ISO_8859_1);
        nasty = (NASTY + "\n").getBytes(StandardCharsets.ISO_8859_1);
        OutputStream discard = OutputStream.nullOutputStream();
        plain = new LogPipeline(discard, false, discard, null, ZoneId.of("UTC"), Clock.systemUTC(), LogPipeline.DEFAULT_QUEUE_CAPACITY);
        withLogger = new LogPipeline(discard, false, discard, null, ZoneId.of("UTC"), Clock.systemUTC(), LogPipeline.DEFAULT_QUEUE_CAPACITY);
        var chain = new Chain(List.of(EncoderSpec.parse("log-req-encoder", "json " + JSON, ZoneOffset.UTC),
                EncoderSpec.parse("log-req-encoder", "nl", ZoneOffset.UTC)));
        Output nowhere = new Output() {
            @Override
            public void write(byte[] message) {
            }

            @Override
            public void close() {
            }
        };
        var sink = new LoggerSink(LoggerSpec.parse("req-logger", "file:/dev/null"), nowhere, null, null,
                new Routes(List.of()), chain);
        withLogger.addSink(sink, "json", EnumSet.of(Stream.REQUEST));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        plain.close();
        withLogger.close();
    }

    @Benchmark
    public byte[] jsonEncoder() {
        return json.encode(line, 1_796_574_921_123_456L);
    }

    @Benchmark
    public byte[] jsonEncoderHostileLine() {
        return json.encode(nasty, 1_796_574_921_123_456L);
    }

    @Benchmark
    public void pipelineDefaultOutput() {
        plain.request(LINE);
    }

    @Benchmark
    public void pipelineJsonReqLogger() {
        withLogger.request(LINE);
    }
}
