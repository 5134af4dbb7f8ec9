package org.uwsgi4j.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
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
import org.uwsgi4j.kernel.dispatch.ReadySet;
import org.uwsgi4j.kernel.os.ChannelFd;
import org.uwsgi4j.kernel.os.Epoll;
import org.uwsgi4j.kernel.os.SocketRecv;

/**
 * The dispatch step of a kept-alive request on the master (docs/architecture.md, "The request
 * path of a kept-alive connection"): a connection waits in a worker pool's {@link ReadySet},
 * its client sends, and a core takes the readiness and reads. Each operation here is that
 * cycle for one loopback TCP connection on one thread: arm (epoll_ctl), the client's write,
 * await (epoll_wait) and the read; beside it the same cycle through the JDK's {@link Selector}
 * (what a conventional NIO event loop pays) and a plain blocking read (the system calls alone,
 * with no readiness step). The parts alone: {@link #rearm} (the set's epoll_ctl through FFM) and
 * a connection's first read right after its accept ({@link #firstReadRecv}: one
 * {@code recv(MSG_DONTWAIT)}, {@link SocketRecv}; {@link #firstReadJdk}: the JDK's way,
 * {@code FIONREAD} then a read), and what any system call costs through FFM: {@link #syscall}
 * ({@code getppid}, the cheapest there is) and {@link #syscallWithErrno} (the same with the
 * errno capture the kernel's {@code os} handles use). No wake-up of another thread is measured: that cost is the
 * kernel's, the same for every design, and shows in bench/wrk-hello.sh.
 *
 * <p>Needs the launcher's {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} (set below), or
 * the set is off and {@link #readySet} fails at setup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-XX:+UseSerialGC", "-Xmx64m", "--enable-native-access=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class ReadySetBenchmark {

    private SocketChannel client;
    private SocketChannel server;
    private SocketChannel blockingServer;
    private SocketChannel blockingClient;
    private ReadySet set;
    private Epoll.Events events;
    private Selector selector;
    private SelectionKey key;
    private final ByteBuffer one = ByteBuffer.allocateDirect(1);
    private final ByteBuffer in = ByteBuffer.allocateDirect(64);
    private Conn conn;
    private Epoll epoll;
    private int rearmFd;
    private SocketRecv recv;
    private SocketChannel firstClient;
    private SocketChannel firstServer;
    private final ByteBuffer heapIn = ByteBuffer.allocate(2048);
    private final ByteBuffer chunk = ByteBuffer.allocateDirect(32 * 1024);
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETPPID = LINKER.downcallHandle(LINKER.defaultLookup().find("getppid").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle GETPPID_ERRNO = LINKER.downcallHandle(LINKER.defaultLookup().find("getppid").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT), Linker.Option.captureCallState("errno"));
    private final MemorySegment callState = Arena.ofAuto().allocate(Linker.Option.captureStateLayout());

    /** The waiting side: a connection whose readiness the benchmark thread takes. */
    private final class Conn implements ReadySet.Waiting {
        @Override
        public SelectableChannel socket() {
            return server;
        }

        @Override
        public void ready() {
            // the benchmark reads after await() returns
        }

        @Override
        public void release() {
            // the set closes at tear-down only
        }
    }

    @Setup(Level.Trial)
    public void setup() throws IOException {
        SocketChannel[] pair = pair();
        client = pair[0];
        server = pair[1];
        set = ReadySet.open();
        if (!set.isOpen()) {
            throw new IllegalStateException("the ready set is off: run with --add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
        }
        events = set.events();
        conn = new Conn();
        SocketChannel[] plain = pair();
        blockingClient = plain[0];
        blockingServer = plain[1];
        epoll = Epoll.open();
        rearmFd = ChannelFd.forClassOf(blockingServer).orElseThrow().of(blockingServer);
        epoll.add(rearmFd, Epoll.IN | Epoll.ONESHOT, 1);
        recv = SocketRecv.open();
        if (!recv.isOn()) {
            throw new IllegalStateException("recv is off: run with --add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
        }
        SocketChannel[] first = pair();
        firstClient = first[0];
        firstServer = first[1];
        SocketChannel[] selected = pair();
        selector = Selector.open();
        selected[1].configureBlocking(false);
        key = selected[1].register(selector, SelectionKey.OP_READ, selected[0]);
    }

    private static SocketChannel[] pair() throws IOException {
        try (ServerSocketChannel listening = ServerSocketChannel.open()) {
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel c = SocketChannel.open(listening.getLocalAddress());
            SocketChannel s = listening.accept();
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return new SocketChannel[] {c, s};
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        set.close();
        selector.close();
        epoll.close();
        for (SocketChannel c : new SocketChannel[] {client, server, blockingClient, blockingServer, (SocketChannel) key.channel(),
                (SocketChannel) key.attachment(), firstClient, firstServer}) {
            c.close();
        }
    }

    /** arm, the client's byte, await in the set, read: the cycle of a kept-alive request's dispatch. */
    @Benchmark
    public int readySet() throws IOException {
        if (!set.arm(conn)) {
            throw new IllegalStateException("arm failed");
        }
        send(client);
        if (set.await(events, 1000) != conn) {
            throw new IllegalStateException("no readiness");
        }
        return receive(server);
    }

    /** The same cycle through a JDK Selector: select, the selected-key set, read. */
    @Benchmark
    public int selector() throws IOException {
        send((SocketChannel) key.attachment());
        if (selector.select(1000) != 1) {
            throw new IllegalStateException("no readiness");
        }
        selector.selectedKeys().clear();
        return receive((SocketChannel) key.channel());
    }

    /** The client's byte and a blocking read: the system calls without any readiness step. */
    @Benchmark
    public int blockingRead() throws IOException {
        send(blockingClient);
        return receive(blockingServer);
    }

    /** The re-arm of a one-shot registration alone: one epoll_ctl through FFM (what each request's wait in the set costs). */
    @Benchmark
    public void rearm() throws IOException {
        epoll.rearm(rearmFd, Epoll.IN | Epoll.ONESHOT, 1);
    }

    /**
     * The read of a connection just accepted as the kernel makes it: one recv(MSG_DONTWAIT) of
     * up to 64 bytes from a socket that holds data (the client's 32 KiB are sent again, rarely,
     * when it is empty, so the figure is the read's alone).
     */
    @Benchmark
    public int firstReadRecv() throws IOException {
        heapIn.clear().limit(64);
        int n = recv.now(firstServer, heapIn);
        if (n <= 0) {
            refill();
            n = recv.now(firstServer, heapIn);
        }
        return n;
    }

    /** The same through the JDK: FIONREAD (the socket adaptor's available()), then a read into the heap buffer. */
    @Benchmark
    public int firstReadJdk() throws IOException {
        heapIn.clear().limit(64);
        if (firstServer.socket().getInputStream().available() <= 0) {
            refill();
        }
        return firstServer.read(heapIn);
    }

    private void refill() throws IOException {
        chunk.clear();
        while (chunk.hasRemaining()) {
            firstClient.write(chunk);
        }
        while (firstServer.socket().getInputStream().available() < chunk.capacity()) {
            Thread.onSpinWait(); // loopback: the bytes are there at once
        }
    }

    /** The cheapest system call (getppid) through a plain FFM downcall: the floor under every call above. */
    @Benchmark
    public int syscall() throws Throwable {
        return (int) GETPPID.invokeExact();
    }

    /** The same with errno captured into a reused segment, as the kernel's Epoll and credential calls do. */
    @Benchmark
    public int syscallWithErrno() throws Throwable {
        return (int) GETPPID_ERRNO.invokeExact(callState);
    }

    private void send(SocketChannel to) throws IOException {
        one.clear().put((byte) 'x').flip();
        to.write(one);
    }

    private int receive(SocketChannel from) throws IOException {
        in.clear();
        return from.read(in);
    }
}
