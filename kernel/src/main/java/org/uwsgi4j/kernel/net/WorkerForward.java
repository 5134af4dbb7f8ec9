package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
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
import org.uwsgi4j.kernel.protocol.RequestVars;
import org.uwsgi4j.kernel.worker.Frame;
import org.uwsgi4j.kernel.worker.FrameChannel;
import org.uwsgi4j.kernel.worker.FrameType;
import org.uwsgi4j.kernel.worker.Job;

/**
 * Carries one request over a worker core's channel (docs/worker-protocol.md) and the worker's
 * answer back to the client, frame by frame: nothing is held whole.
 *
 * <pre>
 *  REQUEST (+ BODY… BODY(0) when the body is small and here)  ──▶ worker
 *  BODY per READ                                               ──▶ worker (large or streamed bodies)
 *  client ◀── head+first chunk, chunks …  ◀── START, DATA…, END / ERROR
 * </pre>
 *
 * A worker that dies before the response started: the request is sent again to another
 * worker when that is safe (an idempotent method, the body held here, no harakiri), else the
 * client gets a 502. After the response started, the client connection is closed.
 */
final class WorkerForward {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerForward.class);
    /** Bodies up to this size that are already here travel with the request. */
    static final int INLINE_LIMIT = 64 * 1024;
    private static final int MAX_CHUNK = 64 * 1024;
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    private final RequestVars vars;
    private final InputStream body;
    private final HttpResponseWriter response;
    private final Runnable reload;
    private byte[] inline;
    private boolean pulled;
    private boolean clientGone;
    private boolean appError;
    /** The response was replaced by a 500: the worker's DATA and END are read and dropped. */
    private boolean ignoreRest;

    /**
     * @param reload what the worker's {@code CALL reload} does (a graceful reload of the workers)
     */
    WorkerForward(RequestVars vars, InputStream body, HttpResponseWriter response, Runnable reload) {
        this.reload = reload;
        this.vars = vars;
        this.body = body;
        this.response = response;
    }

    /** True when the app raised (an exception for the stats). */
    boolean appError() {
        return appError;
    }

    /** True when the client connection must be closed (it failed, or the response was cut). */
    boolean broken() {
        return clientGone;
    }

    Job.Outcome forward(FrameChannel ch, BooleanSupplier mayRetry) {
        try {
            sendRequest(ch);
            return relayResponse(ch);
        } catch (IOException workerGone) {
            return workerDied(mayRetry, workerGone);
        }
    }

    private void sendRequest(FrameChannel ch) throws IOException {
        ByteBuffer blob = ByteBuffer.wrap(vars.blob(), 0, vars.blobLength());
        if (inline == null && !pulled) {
            long length = vars.contentLength();
            if (length <= INLINE_LIMIT && body.available() >= length) {
                inline = body.readNBytes((int) length);
            }
        }
        if (inline == null) {
            ch.write(FrameType.REQUEST, 0, blob);
            return;
        }
        List<Frame> frames = new ArrayList<>(3);
        frames.add(new Frame(FrameType.REQUEST, 1, blob));
        if (inline.length > 0) {
            frames.add(new Frame(FrameType.BODY, 0, ByteBuffer.wrap(inline)));
        }
        frames.add(new Frame(FrameType.BODY, 0, ByteBuffer.allocate(0)));
        ch.writeAll(frames);
    }

    private Job.Outcome relayResponse(FrameChannel ch) throws IOException {
        while (true) {
            Frame frame = ch.read();
            switch (frame.type()) {
                case READ -> answerRead(ch, Integer.parseInt(frame.fields().getFirst()));
                case START -> start(frame.fields());
                case DATA -> toClient(frame.payload());
                case SENDFILE -> sendFile(frame.fields());
                case LOG -> LOG.info("{}", StandardCharsets.UTF_8.decode(frame.payload()));
                case CALL -> call(ch, frame.fields());
                case END -> {
                    finish();
                    return Job.Outcome.DONE;
                }
                case ERROR -> {
                    appError = true;
                    if (!response.started()) {
                        answer("500 Internal Server Error");
                    } else {
                        clientGone = true; // the response is cut: only closing tells the client
                    }
                    return Job.Outcome.DONE;
                }
                default -> throw new IOException("unexpected " + frame.type() + " frame from the worker");
            }
        }
    }

    /** A worker's CALL (docs/worker-protocol.md), answered with one RESULT. */
    private void call(FrameChannel ch, List<String> fields) throws IOException {
        String name = fields.isEmpty() ? "" : fields.getFirst();
        if (name.equals("reload")) {
            reload.run();
            ch.writeFields(FrameType.RESULT, 0, "ok");
        } else {
            ch.writeFields(FrameType.RESULT, 0, "error", "no such call: " + name);
        }
    }

    private void answerRead(FrameChannel ch, int wanted) throws IOException {
        pulled = true;
        byte[] chunk = new byte[Math.max(0, Math.min(wanted, MAX_CHUNK))];
        int n = 0;
        if (!clientGone && chunk.length > 0) {
            try {
                n = Math.max(0, body.read(chunk, 0, chunk.length));
            } catch (IOException clientFailed) {
                clientGone = true;
            }
        }
        ch.write(FrameType.BODY, 0, ByteBuffer.wrap(chunk, 0, n));
    }

    private void start(List<String> fields) {
        if (clientGone) {
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
            clientGone = true;
        }
    }

    private void toClient(ByteBuffer data) {
        if (clientGone || ignoreRest) {
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
        } catch (IOException | RuntimeException e) {
            clientGone = true;
        }
    }

    private void sendFile(List<String> fields) {
        Path path = Path.of(fields.get(0));
        long offset = Long.parseLong(fields.get(1));
        long length = Long.parseLong(fields.get(2));
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
            long end = length < 0 ? file.size() : Math.min(file.size(), offset + length);
            ByteBuffer buffer = ByteBuffer.allocate(MAX_CHUNK);
            for (long pos = offset; pos < end && !clientGone; ) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - pos));
                int n = file.read(buffer, pos);
                if (n < 0) {
                    break;
                }
                pos += n;
                toClient(buffer.flip());
            }
        } catch (IOException e) {
            LOG.warn("sendfile {}: {}", path, e.getMessage());
            clientGone = true;
        }
    }

    private void finish() {
        if (clientGone || ignoreRest) {
            return;
        }
        try {
            if (!response.started()) {
                answer("500 Internal Server Error");
            } else {
                response.finish();
            }
        } catch (IOException | RuntimeException e) {
            clientGone = true;
        }
    }

    private Job.Outcome workerDied(BooleanSupplier mayRetry, IOException cause) {
        boolean replayable = !pulled && IDEMPOTENT.contains(String.valueOf(vars.get("REQUEST_METHOD")));
        if (!response.started() && !clientGone && replayable && mayRetry.getAsBoolean()) {
            LOG.info("the worker died before answering {} {}: sending it to another worker", vars.get("REQUEST_METHOD"),
                    vars.get("REQUEST_URI"));
            return Job.Outcome.RETRY;
        }
        if (!response.started() && !clientGone) {
            answer("502 Bad Gateway");
        } else {
            clientGone = true;
        }
        LOG.debug("worker channel failed: {}", cause.getMessage());
        return Job.Outcome.WORKER_DIED;
    }

    private void answer(String status) {
        byte[] text = (status + "\n").getBytes(StandardCharsets.ISO_8859_1);
        try {
            response.start(status, List.of(Map.entry("Content-Type", "text/plain"), Map.entry("Content-Length", String.valueOf(text.length))));
            response.body().write(text);
            response.finish();
        } catch (IOException | RuntimeException e) {
            clientGone = true;
        }
    }
}
