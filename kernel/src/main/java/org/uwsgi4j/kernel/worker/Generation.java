package org.uwsgi4j.kernel.worker;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.protocol.Frame;
import org.uwsgi4j.kernel.protocol.FrameType;

/**
 * One generation of a pool's workers: the processes started from one load of the application
 * (a reload starts the next generation, then retires this one). It owns its own socket in the
 * runtime directory, so a channel's HELLO can only belong to it.
 *
 * <pre>
 *  accept ─▶ HELLO (token, version checked) ─┬─ role control: the host's channel: READY, LOADFAIL, EXITED, LOG,
 *                                             │                 CALL (the app may call while it loads) ─▶ RESULT
 *                                             └─ role core: a worker core's channel, handed to the master
 * </pre>
 */
final class Generation implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Generation.class);
    /** The worker protocol version this kernel speaks: HELLO's sixth field (absent: 1). */
    static final String PROTOCOL_VERSION = "1";

    final int number;
    final Worker[] workers;
    final Path socket;
    private final WorkerPool pool;
    private final ServerSocketChannel listener;
    volatile Processes.Child host;
    volatile FrameChannel control;
    volatile boolean ready;
    /** Set on the master thread once a load failure of this generation was reported. */
    boolean loadFailed;
    volatile boolean retiring;

    Generation(WorkerPool pool, int number, Path socket, int processes, int threads) throws IOException {
        this.pool = pool;
        this.number = number;
        this.socket = socket;
        this.workers = new Worker[processes + 1];
        for (int w = 1; w <= processes; w++) {
            workers[w] = new Worker(w, this, threads, pool.clock().currentTimeMillis());
        }
        Files.deleteIfExists(socket);
        this.listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket), 64);
        Thread.ofPlatform().daemon().name("uwsgi4j-workers-accept-" + number).start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (listener.isOpen()) {
            try {
                SocketChannel ch = listener.accept();
                // a platform thread: a socket channel that a virtual thread ever blocked on is
                // switched to non-blocking mode for good, and the core thread that serves this
                // channel would then poll(2) before every read
                Thread.ofPlatform().daemon().name("uwsgi4j-worker-hello").start(() -> handshake(new FrameChannel(ch)));
            } catch (IOException e) {
                if (listener.isOpen()) {
                    LOG.warn("worker socket accept failed: {}", e.getMessage());
                }
            }
        }
    }

    private void handshake(FrameChannel ch) {
        try {
            Frame hello = ch.read();
            List<String> f = hello.fields();
            if (hello.type() != FrameType.HELLO || f.size() < 5 || !pool.token().equals(f.get(0))) {
                LOG.warn("!!! refused a worker connection: no valid HELLO (bad token or frame) !!!");
                ch.close();
                return;
            }
            String version = f.size() > 5 ? f.get(5) : "1";   // a HELLO of five fields is version 1
            if (!version.equals(PROTOCOL_VERSION)) {
                LOG.warn("!!! refused a worker connection: worker protocol version {} (this kernel speaks {}) !!!",
                        version, PROTOCOL_VERSION);
                ch.close();
                return;
            }
            long pid = Long.parseLong(f.get(4));
            if (f.get(1).equals("control")) {
                control = ch;
                controlLoop(ch, Integer.parseInt(f.get(2)), pid);
                return;
            }
            int wid = Integer.parseInt(f.get(2));
            int core = Integer.parseInt(f.get(3));
            if (wid < 1 || wid >= workers.length || core < 0 || core >= workers[wid].cores.length) {
                LOG.warn("!!! refused a worker connection: worker {} core {} out of range !!!", wid, core);
                ch.close();
                return;
            }
            // the worker's ahead FIFO, when it made one (docs/worker-protocol.md, "Requests written ahead")
            Ahead ahead = pool.target().aheadAt(socket.resolveSibling("ahead." + pid + "." + core));
            pool.master().post(() -> pool.coreConnected(workers[wid], pid, new CoreLink(core, ch, ahead)));
        } catch (IOException | RuntimeException e) {
            LOG.debug("worker handshake failed: {}", e.getMessage());
            ch.close();
        }
    }

    /** Reads the host's control channel until it closes. */
    private void controlLoop(FrameChannel ch, int workerId, long hostPid) {
        try {
            while (true) {
                Frame frame = ch.read();
                List<String> f = frame.fields();
                switch (frame.type()) {
                    case READY -> pool.master().post(() -> pool.hostReady(this));
                    case LOADFAIL -> pool.master().post(() -> pool.loadFailed(this, f.isEmpty() ? "unknown error" : f.getFirst()));
                    case EXITED -> {
                        long pid = Long.parseLong(f.get(0));
                        int wid = Integer.parseInt(f.get(1));
                        int status = Integer.parseInt(f.get(2));
                        int signal = Integer.parseInt(f.get(3));
                        pool.master().post(() -> pool.workerExited(this, wid, pid, status, signal));
                    }
                    case LOG -> LOG.info("{}", new String(bytes(frame), java.nio.charset.StandardCharsets.UTF_8));
                    case CALL -> answerCall(ch, workerId, hostPid, f);
                    default -> LOG.warn("unexpected {} frame on the control channel of generation {}", frame.type(), number);
                }
            }
        } catch (IOException e) {
            // the host closed its channel: its exit is seen through its process
        }
    }

    /** A CALL on the control channel (an application calling while it loads): one RESULT. */
    private void answerCall(FrameChannel ch, int workerId, long pid, List<String> fields) throws IOException {
        String[] result = pool.calls().answer(workerId, pid, fields).toArray(String[]::new);
        synchronized (ch) {
            ch.writeFields(FrameType.RESULT, 0, result);
        }
    }

    private static byte[] bytes(Frame frame) {
        byte[] b = new byte[frame.payload().remaining()];
        frame.payload().duplicate().get(b);
        return b;
    }

    /** Asks the host to fork worker {@code id}. */
    void fork(int id) throws IOException {
        FrameChannel ch = control;
        if (ch == null) {
            throw new IOException("the host of generation " + number + " has no control channel");
        }
        synchronized (ch) {
            ch.writeFields(FrameType.FORK, 0, String.valueOf(id));
        }
    }

    /**
     * Tells the host to stop (it forks no more and exits once its workers are gone); a host
     * that has not connected yet gets SIGTERM instead.
     */
    void stopHost() {
        FrameChannel ch = control;
        if (ch == null) {
            Processes.Child p = host;
            if (p != null) {
                p.terminate();
            }
            return;
        }
        try {
            synchronized (ch) {
                ch.write(FrameType.STOP, 0);
            }
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        Files.deleteIfExists(socket);
        FrameChannel ch = control;
        if (ch != null) {
            ch.close();
        }
    }
}
