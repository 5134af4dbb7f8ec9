package org.uwsgi4j.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
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
import org.uwsgi4j.kernel.protocol.CgiVars;
import org.uwsgi4j.kernel.protocol.ConnectionInfo;
import org.uwsgi4j.kernel.protocol.Fields;
import org.uwsgi4j.kernel.protocol.Frame;
import org.uwsgi4j.kernel.protocol.FrameType;
import org.uwsgi4j.kernel.protocol.HttpRequestParser;
import org.uwsgi4j.kernel.protocol.ProtocolLimits;
import org.uwsgi4j.kernel.protocol.RequestVars;
import org.uwsgi4j.kernel.worker.FrameChannel;

/**
 * The worker protocol's frames on the master's side of one request (docs/worker-protocol.md):
 * the REQUEST frame written to a worker and the START + DATA + END a worker answers, each over
 * a real Unix socket (written by one {@link FrameChannel}, read back by another, on one thread:
 * the codec and its two system calls, no wake-up), and the START fields' encoding alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-XX:+UseSerialGC", "-Xmx64m"})
public class FrameBenchmark {

    private Path dir;
    private FrameChannel master;
    private FrameChannel worker;
    private ByteBuffer requestBlob;
    private List<Frame> response;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        dir = Files.createTempDirectory("uwsgi4j-bench-");
        var address = UnixDomainSocketAddress.of(dir.resolve("w.sock"));
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(address)) {
            SocketChannel a = SocketChannel.open(address);
            SocketChannel b = server.accept();
            master = new FrameChannel(a);
            worker = new FrameChannel(b);
        }
        var parser = new HttpRequestParser(ProtocolLimits.DEFAULTS);
        parser.parse(ByteBuffer.wrap(ParserBenchmark.BROWSER_GET.getBytes(StandardCharsets.ISO_8859_1)));
        RequestVars vars = new RequestVars();
        new CgiVars(ProtocolLimits.DEFAULTS).build(parser, new ConnectionInfo("vm", "8080", "127.0.0.1", 51234, false), vars);
        requestBlob = ByteBuffer.wrap(vars.blob(), 0, vars.blobLength());
        byte[] body = "Hello World".getBytes(StandardCharsets.ISO_8859_1);
        response = List.of(
                new Frame(FrameType.START, 0, ByteBuffer.wrap(startFields())),
                new Frame(FrameType.DATA, 0, ByteBuffer.wrap(body)),
                Frame.of(FrameType.END));
    }

    private static byte[] startFields() {
        return Fields.encode("200 OK", "Content-Type", "text/html", "Content-Length", "11", "X-Frame-Options", "DENY");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        master.close();
        worker.close();
        Files.deleteIfExists(dir.resolve("w.sock"));
        Files.deleteIfExists(dir);
    }

    /** The master writes a browser GET's REQUEST frame (~900 bytes of vars); the worker's side reads it. */
    @Benchmark
    public Frame requestFrame() throws IOException {
        master.write(FrameType.REQUEST, 0, requestBlob);
        return worker.read();
    }

    /** A worker's START + DATA + END in one write, as the Python host sends a small response; the master reads the three. */
    @Benchmark
    public Frame responseFrames() throws IOException {
        worker.writeAll(response);
        master.read();
        master.read();
        return master.read();
    }

    /** The START frame's fields encoded (status and three headers), no I/O. */
    @Benchmark
    public byte[] startFieldsEncoding() {
        return startFields();
    }
}
