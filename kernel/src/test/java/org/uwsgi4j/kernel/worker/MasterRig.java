package org.uwsgi4j.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.nio.file.Path;
import org.uwsgi4j.kernel.api.WorkerHost;
import org.uwsgi4j.kernel.cheaper.CheaperAlgorithms;
import org.uwsgi4j.kernel.log.TestOptions;
import org.uwsgi4j.kernel.stats.WorkerStats;
import org.uwsgi4j.kernel.protocol.Frame;
import org.uwsgi4j.kernel.protocol.FrameType;

/**
 * One pool on a master that the test turns, with a fake clock and fake processes; the test
 * plays the worker side of the generations' sockets ({@link Host}, {@link #connectCores}), so
 * hellos, READY, FORK and EXITED are the real frames, and no process is started.
 */
final class MasterRig implements AutoCloseable {

    private static final long AWAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    final FakeClock clock = new FakeClock();
    final FakeProcesses processes = new FakeProcesses();
    final List<Integer> exitCodes = new CopyOnWriteArrayList<>();
    final CheaperAlgorithms algorithms = new CheaperAlgorithms();
    final WorkerCalls calls = new WorkerCalls();
    final RuntimeDir dir;
    final MasterLoop master;
    final WorkerPool pool;
    private final List<AutoCloseable> channels = new ArrayList<>();

    /** A pool with uWSGI's {@code options} (name, value, …); started. */
    MasterRig(String... options) throws IOException {
        dir = RuntimeDir.create(null);
        master = new MasterLoop(dir, exitCodes::add, clock, processes);
        pool = new WorkerPool(0, new WorkerHost(List.of("fake-host"), Map.of(), null, "fake"),
                PoolSettings.fromOptions(TestOptions.of(options), "0.1.0"), master, algorithms, calls);
        pool.start();
        master.add(pool);
    }

    /** One turn of the master, without waiting for events. */
    void turn() throws InterruptedException {
        master.turn(0);
    }

    /** Turns the master until {@code condition} holds (events come from the channels' threads). */
    void turnUntil(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + AWAIT_NANOS;
        master.turn(0);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within 5 s: " + what + "; workers: " + statuses());
            }
            master.turn(10); // waits for the next event
        }
    }

    /** Moves the clock on, then turns the master once. */
    void advance(Duration d) throws InterruptedException {
        clock.advance(d);
        turn();
    }

    Generation current() {
        return pool.current();
    }

    Worker worker(int id) {
        return current().workers[id];
    }

    /** Each worker's status as the stats server shows it: idle, busy, spawning, retiring, dead, cheap. */
    List<String> statuses() {
        return pool.workers().stream().map(WorkerStats::status).toList();
    }

    /** The host process of {@code g} (the fake started for it), connected to its socket. */
    Host host(Generation g) throws IOException {
        Host h = new Host(g.socket, dir.token(), ((FakeProcesses.Child) g.host).pid);
        channels.add(h.channel);
        return h;
    }

    /** Turns the master until it asks {@code host} to fork a worker; that worker's id. */
    int nextFork(Host host) throws InterruptedException {
        turnUntil("a FORK", () -> !host.received.isEmpty());
        return host.nextFork();
    }

    /** Connects every core of worker {@code id} of {@code g} as process {@code pid}, which runs from now on. */
    void connectCores(Generation g, int id, long pid) throws IOException {
        processes.alive.add(pid);
        for (int core = 0; core < g.workers[id].cores.length; core++) {
            FrameChannel ch = connect(g.socket);
            channels.add(ch);
            ch.writeFields(FrameType.HELLO, 0, dir.token(), "core", String.valueOf(id), String.valueOf(core), String.valueOf(pid));
        }
    }

    /**
     * Connects core 0 of worker {@code id} of the current generation as process {@code pid}, with an
     * ahead FIFO it offers when {@code ahead} (docs/worker-protocol.md, "Requests written ahead"),
     * and turns until the worker runs: the test plays that core through the returned {@link Core}.
     */
    Core runCore(int id, long pid, boolean ahead) throws IOException, InterruptedException {
        processes.alive.add(pid);
        FileChannel fifo = null;
        if (ahead) {
            Path name = dir.path().resolve("ahead." + pid + ".0");
            try {
                if (new ProcessBuilder("mkfifo", "-m", "600", name.toString()).start().waitFor() != 0) {
                    throw new IOException("mkfifo " + name + " failed");
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            fifo = FileChannel.open(name, StandardOpenOption.READ, StandardOpenOption.WRITE); // read-write: does not wait for a writer
            channels.add(fifo);
        }
        FrameChannel ch = connect(current().socket);
        channels.add(ch);
        Core core = new Core(ch, fifo);
        ch.writeFields(FrameType.HELLO, 0, dir.token(), "core", String.valueOf(id), "0", String.valueOf(pid));
        turnUntil("worker " + id + " runs", () -> worker(id).state == Worker.State.RUNNING);
        return core;
    }

    /** A worker core played by the test: what the kernel sent on its channel, and its ahead FIFO. */
    static final class Core {
        final FrameChannel channel;
        /** The worker's end of its ahead FIFO (read-write), or null. */
        final FileChannel fifo;
        private final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();

        Core(FrameChannel channel, FileChannel fifo) {
            this.channel = channel;
            this.fifo = fifo;
            Thread.ofPlatform().daemon().name("test-core").start(() -> {
                try {
                    while (true) {
                        received.add(channel.read());
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }

        /** The next frame the kernel sent on the channel, waited for up to 5 s; null when none came. */
        Frame next() throws InterruptedException {
            return received.poll(5, TimeUnit.SECONDS);
        }

        /** Frames the kernel sent on the channel that the test did not take yet. */
        List<Frame> pending() {
            return List.copyOf(received);
        }

        /** Takes what the FIFO holds, as a host does right after an END (the test knows something is there). */
        byte[] takeAhead() throws IOException {
            ByteBuffer b = ByteBuffer.allocate(65536);
            fifo.read(b);
            return Arrays.copyOf(b.array(), b.position());
        }
    }

    /** Connects the cores of worker {@code id} of the current generation and turns until it runs. */
    void run(int id, long pid) throws IOException, InterruptedException {
        connectCores(current(), id, pid);
        turnUntil("worker " + id + " runs", () -> worker(id).state == Worker.State.RUNNING);
    }

    private static FrameChannel connect(Path socket) throws IOException {
        return new FrameChannel(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
    }

    @Override
    public void close() throws Exception {
        pool.close();
        master.close();
        for (AutoCloseable c : channels) {
            c.close();
        }
        dir.close();
    }

    /** The control channel of a generation's host, played by the test. */
    static final class Host {

        final long pid;
        final FrameChannel channel;
        private final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();

        Host(Path socket, String token, long pid) throws IOException {
            this.pid = pid;
            this.channel = connect(socket);
            channel.writeFields(FrameType.HELLO, 0, token, "control", "0", "0", String.valueOf(pid));
            Thread.ofPlatform().daemon().name("test-host-" + pid).start(() -> {
                try {
                    while (true) {
                        received.add(channel.read());
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }

        void send(FrameType type, String... fields) throws IOException {
            channel.writeFields(type, 0, fields);
        }

        /** Tells the master the app loaded; it answers with FORKs. */
        void ready() throws IOException {
            send(FrameType.READY);
        }

        /** Tells the master worker {@code id} (process {@code pid}) exited, as the host reaps it. */
        void exited(long pid, int id, int status, int signal) throws IOException {
            send(FrameType.EXITED, String.valueOf(pid), String.valueOf(id), String.valueOf(status), String.valueOf(signal));
        }

        /** The next frame the master sent, waited for. */
        Frame next() throws InterruptedException {
            Frame f = received.poll(5, TimeUnit.SECONDS);
            assertNotNull(f, "no frame from the master within 5 s");
            return f;
        }

        /** The id of the next worker the master asks to fork. */
        int nextFork() throws InterruptedException {
            Frame f = next();
            assertEquals(FrameType.FORK, f.type());
            return Integer.parseInt(f.fields().getFirst());
        }

        /** Frames the master sent and the test did not take yet. */
        List<Frame> pending() {
            return List.copyOf(received);
        }
    }

    /** A clock the test moves. */
    static final class FakeClock implements Clock {

        private volatile long nanos = 1_000_000_000_000L;
        private volatile long millis = 1_700_000_000_000L;

        void advance(Duration d) {
            nanos += d.toNanos();
            millis += d.toMillis();
        }

        @Override
        public long nanoTime() {
            return nanos;
        }

        @Override
        public long currentTimeMillis() {
            return millis;
        }
    }

    /** Processes that are records: what was started and killed; the test makes them exit. */
    static final class FakeProcesses implements Processes {

        final List<Child> started = new CopyOnWriteArrayList<>();
        final List<Long> killed = new CopyOnWriteArrayList<>();
        final Set<Long> alive = ConcurrentHashMap.newKeySet();
        final Map<Long, Long> rss = new ConcurrentHashMap<>();
        private long nextPid = 1000;

        @Override
        public synchronized Child start(WorkerHost host, Path socket, String token, String role, int workerId,
                                        PoolSettings settings) {
            Child c = new Child(nextPid++, role, workerId);
            alive.add(c.pid);
            started.add(c);
            return c;
        }

        @Override
        public boolean isAlive(long pid) {
            return alive.contains(pid);
        }

        @Override
        public void kill(long pid) {
            killed.add(pid);
        }

        @Override
        public long rss(long pid) {
            return rss.getOrDefault(pid, 0L);
        }

        @Override
        public Optional<String> procLine(long pid, String name) {
            return Optional.empty();
        }

        @Override
        public void awaitExit(long pid, long deadlineNanos) {
        }

        /** A started process: {@link #exit} makes it end. */
        final class Child implements Processes.Child {

            final long pid;
            final String role;
            final int workerId;
            private volatile IntConsumer onExit = status -> { };

            Child(long pid, String role, int workerId) {
                this.pid = pid;
                this.role = role;
                this.workerId = workerId;
            }

            /** The process ends with {@code status}: the master hears of it as of a real exit. */
            void exit(int status) {
                alive.remove(pid);
                onExit.accept(status);
            }

            @Override
            public long pid() {
                return pid;
            }

            @Override
            public boolean isAlive() {
                return alive.contains(pid);
            }

            @Override
            public void terminate() {
            }

            @Override
            public void onExit(IntConsumer status) {
                onExit = status;
            }
        }
    }
}
