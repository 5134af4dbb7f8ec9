package org.uwsgi4j.kernel.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.protocol.Frame;
import org.uwsgi4j.kernel.protocol.FrameType;

/**
 * One signal for one worker (docs/worker-protocol.md, {@code SIGNAL}), run by a core of that
 * worker between two requests, as a request is: the core's thread writes {@code SIGNAL n} and
 * reads to the worker's {@code END} (the handler ran) or {@code ERROR} (it raised, or this
 * worker holds no handler: uWSGI's {@code error managing signal N on worker W}), logging
 * {@code LOG} frames and answering {@code CALL}s on the way. Harakiri covers it like a request.
 */
final class SignalJob implements Job {

    private static final Logger LOG = LoggerFactory.getLogger(SignalJob.class);

    private final int signum;
    private final WorkerCalls calls;
    private final Runnable handled;
    private int workerId;
    private long pid;

    /** Signal {@code signum}; {@code handled} runs when the worker says its handler ran. */
    SignalJob(int signum, WorkerCalls calls, Runnable handled) {
        this.signum = signum;
        this.calls = calls;
        this.handled = handled;
    }

    @Override
    public Outcome forward(FrameChannel ch, BooleanSupplier mayRetry) {
        try {
            ch.writeFields(FrameType.SIGNAL, 0, String.valueOf(signum));
            while (true) {
                Frame frame = ch.read();
                switch (frame.type()) {
                    case LOG -> LOG.info("{}", StandardCharsets.UTF_8.decode(frame.payload()));
                    case CALL -> ch.writeFields(FrameType.RESULT, 0,
                            calls.answer(workerId, pid, frame.fields()).toArray(String[]::new));
                    case END -> {
                        handled.run();
                        return Outcome.DONE;
                    }
                    case ERROR -> {
                        List<String> f = frame.fields();
                        LOG.info("error managing signal {} on worker {}{}", signum, workerId,
                                f.isEmpty() || f.getFirst().isEmpty() ? "" : ": " + f.getFirst());
                        return Outcome.DONE;
                    }
                    default -> {
                        LOG.warn("unexpected {} frame from worker {} while it handled signal {}", frame.type(), workerId, signum);
                        return Outcome.WORKER_DIED;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.info("could not deliver signal {} to worker {}", signum, workerId);
            return Outcome.WORKER_DIED;
        }
    }

    @Override
    public void fail() {
        LOG.info("could not deliver signal {} to worker {}", signum, workerId);
    }

    @Override
    public void overloaded() {
        fail();
    }

    @Override
    public String describe() {
        return "signal " + signum;
    }

    @Override
    public void servedBy(int workerId, int coreId, long pid) {
        this.workerId = workerId;
        this.pid = pid;
    }

    @Override
    public boolean appError() {
        return false;
    }

    @Override
    public long bodyBytes() {
        return 0;
    }
}
