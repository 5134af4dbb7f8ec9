package org.uwsgi4j.kernel.worker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.dispatch.ClientRequest;
import org.uwsgi4j.kernel.dispatch.ClientResponse;
import org.uwsgi4j.kernel.protocol.Frame;
import org.uwsgi4j.kernel.protocol.FrameType;
import org.uwsgi4j.kernel.protocol.RequestVars;

/**
 * One request of a worker pool, from its queue to its end: carries it over a worker core's channel (docs/worker-protocol.md) and the worker's
 * answer back to the client, frame by frame: nothing is held whole.
 *
 * <pre>
 *  REQUEST (+ BODY… BODY(0) when the body is small and here)  ──▶ worker
 *  BODY per READ                                               ──▶ worker (large or streamed bodies)
 *  client ◀── head+first chunk, chunks …  ◀── START, DATA…, END / ERROR
 *  GONE (once: the client went away)                           ──▶ worker
 * </pre>
 *
 * A worker that dies before the response started: the request is sent again to another
 * worker when that is safe (an idempotent method, the body held here, no harakiri), else the
 * client gets a 502. After the response started, the client connection is closed.
 *
 * <p><b>The client goes away</b> (docs/worker-protocol.md, "The client goes away"): a write to
 * it fails, reading its body fails, or the connection's close watch calls {@link #clientClosed}.
 * The worker is then told with one {@code GONE} ({@link GoneSignal}) and the request's remaining
 * frames are read to its END and dropped, so the core is free for the next request and the
 * worker lives on.
 *
 * <p>It sees its client only through {@link ClientRequest} and {@link ClientResponse}: the
 * connection side ({@code net}) knows nothing of workers, and this nothing of sockets. A
 * worker's {@code CALL} is answered by the {@link WorkerCalls} (a rare frame: nothing is
 * looked up before one comes).
 *
 * <p><b>Threads</b>: the core's thread runs {@link #forward}; {@link #clientClosed} may come
 * from the connection's close watch at any time. Writes on the worker's channel are serialized
 * on {@code gone}, the {@link GoneSignal}.
 */
final class WorkerForward implements Job, ClientRequest.ClientWatch {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerForward.class);
    /** Bodies up to this size that are already here travel with the request. */
    static final int INLINE_LIMIT = 64 * 1024;
    private static final int MAX_CHUNK = 64 * 1024;
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    private final ClientRequest request;
    private final RequestVars vars;
    private final InputStream body;
    private final ClientResponse response;
    private final WorkerCalls calls;
    private byte[] inline;
    private boolean pulled;
    /** Body bytes handed to the worker by READs (for the body-read error line). */
    private long bodyRead;
    /** The client's going away; every write on the worker's channel synchronizes on it. */
    private final GoneSignal gone;
    /** The response was cut short (an app error or a dead worker after the start): close the connection. */
    private boolean cut;
    private boolean appError;
    /** The response was replaced by a 500: the worker's DATA and END are read and dropped. */
    private boolean ignoreRest;
    /** The worker that serves it (for its CALLs' caller). */
    private int workerId;
    private long workerPid;

    /**
     * A request to forward; it asks to be told when its client goes away.
     *
     * @param calls what answers the worker's {@code CALL}s
     */
    WorkerForward(ClientRequest request, WorkerCalls calls) {
        this.request = request;
        this.calls = calls;
        this.vars = request.requestVars();
        this.body = request.body();
        this.response = request.response();
        this.gone = new GoneSignal(vars);
        request.watchClient(this);
    }

    @Override
    public String describe() {
        return request.describe();
    }

    @Override
    public void servedBy(int workerId, int coreId, long pid) {
        this.workerId = workerId;
        this.workerPid = pid;
        request.servedBy(workerId, coreId, pid);
    }

    @Override
    public long bodyBytes() {
        return response.bodyBytes();
    }

    @Override
    public void fail() {
        request.fail();
    }

    @Override
    public void overloaded() {
        request.overloaded();
    }

    @Override
    public boolean appError() {
        return appError;
    }

    /** True when the client connection must be closed (it failed, or the response was cut). */
    boolean broken() {
        return gone.gone() || cut;
    }

    /** Failed writes to the client ({@code %(werr)}): 0 or 1, the first failure ends the writing. */
    int writeErrors() {
        return gone.writeErrors();
    }

    /** Failed reads of the request body ({@code %(rerr)}): 0 or 1. */
    int readErrors() {
        return gone.readErrors();
    }

    /**
     * Serves the request on {@code ch}; never throws. Unless it is to be retried, the request
     * is then ended ({@link ClientRequest#done}). While {@code mayRetry} is false (the core's
     * worker was killed by harakiri: the request itself is the trouble) it never returns
     * {@link Outcome#RETRY}.
     */
    @Override
    public Outcome forward(FrameChannel ch, BooleanSupplier mayRetry) {
        return forward(new Turn(ch, mayRetry, null, false, () -> { }));
    }

    /**
     * Serves the request on the turn's channel, as {@link #forward(FrameChannel, BooleanSupplier)};
     * when it was {@linkplain Turn#sentAhead() taken from the ahead FIFO} only its response is read.
     */
    @Override
    public Outcome forward(Turn turn) {
        FrameChannel ch = turn.channel();
        Outcome outcome = Outcome.WORKER_DIED;
        try {
            if (turn.sentAhead()) {
                synchronized (gone) {
                    gone.inWorker(ch, turn.ahead());
                }
            } else {
                sendRequest(ch, turn.ahead());
            }
            turn.sent().run();
            outcome = relayResponse(ch);
        } catch (IOException workerGone) {
            outcome = workerDied(turn.mayRetry(), workerGone);
        } finally {
            gone.ended(outcome != Outcome.RETRY);
        }
        if (outcome != Outcome.RETRY) {
            request.done(broken() || outcome == Outcome.WORKER_DIED, appError, gone.readErrors(), gone.writeErrors());
        }
        return outcome;
    }

    @Override
    public byte[] aheadFrames(int limit) {
        if (gone.gone() || !IDEMPOTENT.contains(String.valueOf(vars.get("REQUEST_METHOD")))) {
            return null;
        }
        try {
            takeInline();
        } catch (IOException e) {
            return null;
        }
        int blob = vars.blobLength();
        if (inline == null || FrameChannel.HEADER * 3 + blob + inline.length > limit) {
            return null;
        }
        ByteBuffer frames = ByteBuffer.allocate(FrameChannel.HEADER * (inline.length > 0 ? 3 : 2) + blob + inline.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        header(frames, FrameType.REQUEST, 1, blob).put(vars.blob(), 0, blob);
        if (inline.length > 0) {
            header(frames, FrameType.BODY, 0, inline.length).put(inline);
        }
        header(frames, FrameType.BODY, 0, 0);
        return frames.array();
    }

    private static ByteBuffer header(ByteBuffer to, FrameType type, int flags, int length) {
        return to.put((byte) type.code()).put((byte) flags).putShort((short) 0).putInt(length);
    }

    @Override
    public boolean unlessGone(BooleanSupplier write) {
        synchronized (gone) {
            return !gone.gone() && write.getAsBoolean();
        }
    }

    /** The connection's close watch saw the client close (its own thread): see {@link GoneSignal#clientClosed}. */
    @Override
    public void clientClosed() {
        gone.clientClosed();
    }

    /** Takes the body into {@link #inline} when it is small, here whole, and not yet being pulled. */
    private void takeInline() throws IOException {
        if (inline == null && !pulled && lengthKnown()) {
            long length = vars.contentLength();
            if (length <= INLINE_LIMIT && body.available() >= length) {
                inline = body.readNBytes((int) length);
            }
        }
    }

    private void sendRequest(FrameChannel ch, Ahead ahead) throws IOException {
        ByteBuffer blob = ByteBuffer.wrap(vars.blob(), 0, vars.blobLength());
        takeInline();
        synchronized (gone) {
            if (inline == null) {
                ch.write(FrameType.REQUEST, 0, blob);
            } else {
                List<Frame> frames = new ArrayList<>(3);
                frames.add(new Frame(FrameType.REQUEST, 1, blob));
                if (inline.length > 0) {
                    frames.add(new Frame(FrameType.BODY, 0, ByteBuffer.wrap(inline)));
                }
                frames.add(new Frame(FrameType.BODY, 0, ByteBuffer.allocate(0)));
                ch.writeAll(frames);
            }
            gone.inWorker(ch, ahead);
        }
    }

    /**
     * Whether the body's length is known: it has a CONTENT_LENGTH, or it has none because there is
     * no body. A chunked body streamed without one ({@code --http-chunked-input}) is pulled by the
     * worker to its end, never inlined as empty.
     */
    private boolean lengthKnown() {
        return vars.get("HTTP_TRANSFER_ENCODING") == null || vars.get("CONTENT_LENGTH") != null; // one scan unless chunked
    }

    private Outcome relayResponse(FrameChannel ch) throws IOException {
        while (true) {
            Frame frame = ch.read();
            switch (frame.type()) {
                case READ -> answerRead(ch, Integer.parseInt(frame.fields().getFirst()));
                case START -> start(frame.fields());
                case DATA -> toClient(frame.payload(), "uwsgi_response_write_body_do()");
                case SENDFILE -> sendFile(frame.fields());
                case LOG -> LOG.info("{}", StandardCharsets.UTF_8.decode(frame.payload()));
                case CALL -> call(ch, frame.fields());
                case END -> {
                    gone.outOfWorker();
                    finish();
                    return Outcome.DONE;
                }
                case ERROR -> {
                    gone.outOfWorker();
                    appError = true;
                    if (!response.started()) {
                        answer("500 Internal Server Error");
                    } else {
                        cut = true; // the response is cut: only closing tells the client
                    }
                    return Outcome.DONE;
                }
                default -> throw new IOException("unexpected " + frame.type() + " frame from the worker");
            }
        }
    }

    /** A worker's CALL (docs/worker-protocol.md), answered with one RESULT. */
    private void call(FrameChannel ch, List<String> fields) throws IOException {
        writeFields(ch, FrameType.RESULT, calls.answer(workerId, workerPid, fields).toArray(String[]::new));
    }

    private void writeFields(FrameChannel ch, FrameType type, String... fields) throws IOException {
        synchronized (gone) {
            ch.writeFields(type, 0, fields);
        }
    }

    /**
     * Answers a READ with the next piece of the body. When reading the client fails, the worker
     * is told GONE before the empty BODY that ends its reading.
     */
    private void answerRead(FrameChannel ch, int wanted) throws IOException {
        pulled = true;
        byte[] chunk = new byte[Math.max(0, Math.min(wanted, MAX_CHUNK))];
        int n = 0;
        if (!gone.gone() && chunk.length > 0) {
            try {
                n = Math.max(0, body.read(chunk, 0, chunk.length));
                bodyRead += n;
            } catch (IOException clientFailed) {
                gone.bodyReadFailed(chunk.length, bodyRead, clientFailed);
            }
        }
        synchronized (gone) {
            ch.write(FrameType.BODY, 0, ByteBuffer.wrap(chunk, 0, n));
        }
    }

    /** The head is built even for a client that went away: the request log shows its status. */
    private void start(List<String> fields) {
        if (response.started()) {
            cut = true; // a second START: a broken worker; what was sent stands, the rest is dropped
            ignoreRest = true;
            return;
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>(fields.size() / 2);
        for (int i = 1; i + 1 < fields.size(); i += 2) {
            headers.add(Map.entry(fields.get(i), fields.get(i + 1)));
        }
        try {
            response.start(fields.getFirst(), headers);
        } catch (IllegalArgumentException e) {
            LOG.warn("invalid response from the application: {}", e.getMessage());
            appError = true;
            answer("500 Internal Server Error");
            ignoreRest = true;
        } catch (IOException | RuntimeException e) {
            cut = true;
            ignoreRest = true;
        }
    }

    private void toClient(ByteBuffer data, String function) {
        if (gone.gone() || ignoreRest) {
            return;
        }
        try {
            if (data.hasArray()) {
                response.body().write(data.array(), data.arrayOffset() + data.position(), data.remaining());
            } else {
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                response.body().write(copy);
            }
        } catch (IOException e) {
            gone.writeFailed(response.headSent() ? function : "uwsgi_response_write_headers_do()", e);
        } catch (RuntimeException e) {
            cut = true; // DATA before START: a broken worker
            ignoreRest = true;
        }
    }

    private void sendFile(List<String> fields) {
        Path path = Path.of(fields.get(0));
        long offset = Long.parseLong(fields.get(1));
        long length = Long.parseLong(fields.get(2));
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
            long end = length < 0 ? file.size() : Math.min(file.size(), offset + length);
            ByteBuffer buffer = ByteBuffer.allocate(MAX_CHUNK);
            for (long pos = offset; pos < end && !gone.gone(); ) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - pos));
                int n = file.read(buffer, pos);
                if (n < 0) {
                    break;
                }
                pos += n;
                toClient(buffer.flip(), "uwsgi_response_sendfile_do()");
            }
        } catch (IOException e) {
            LOG.warn("sendfile {}: {}", path, e.getMessage());
            cut = true;
            ignoreRest = true;
        }
    }

    private void finish() {
        if (gone.gone() || ignoreRest) {
            return;
        }
        try {
            if (!response.started()) {
                answer("500 Internal Server Error");
            } else {
                response.finish();
            }
        } catch (IOException e) {
            gone.writeFailed(response.headSent() ? "uwsgi_response_write_body_do()" : "uwsgi_response_write_headers_do()", e);
        } catch (RuntimeException e) {
            cut = true;
        }
    }

    private Outcome workerDied(BooleanSupplier mayRetry, IOException cause) {
        boolean replayable = !pulled && IDEMPOTENT.contains(String.valueOf(vars.get("REQUEST_METHOD")));
        if (!response.started() && !gone.gone() && replayable && mayRetry.getAsBoolean()) {
            LOG.info("the worker died before answering {} {}: sending it to another worker", vars.get("REQUEST_METHOD"),
                    vars.get("REQUEST_URI"));
            return Outcome.RETRY;
        }
        if (!response.started() && !gone.gone()) {
            answer("502 Bad Gateway");
        } else {
            cut = true;
        }
        LOG.debug("worker channel failed: {}", cause.getMessage());
        return Outcome.WORKER_DIED;
    }

    private void answer(String status) {
        if (gone.gone()) {
            return;
        }
        try {
            response.answer(status);
        } catch (IOException e) {
            gone.writeFailed("uwsgi_response_write_headers_do()", e);
        } catch (RuntimeException e) {
            cut = true;
        }
    }
}
