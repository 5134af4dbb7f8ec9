package org.uwsgi4j.kernel.net;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.uwsgi4j.kernel.dispatch.Dispatcher;
import org.uwsgi4j.kernel.log.RequestLog;
import org.uwsgi4j.kernel.log.RequestRecord;

/**
 * What every connection of an instance shares: the dispatcher, the request log, the
 * settings, the socket-timeout reaper and the request counters.
 */
final class ServerContext {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ServerContext.class);

    final Dispatcher dispatcher;
    final RequestLog requestLog;
    final ServerSettings settings;
    final IdleReaper reaper;
    final String hostname;
    final long pid = ProcessHandle.current().pid();
    final AtomicLong totalRequests = new AtomicLong();
    private final WorkerCounters[] workers;

    ServerContext(Dispatcher dispatcher, RequestLog requestLog, ServerSettings settings, IdleReaper reaper,
                  String hostname, int workerCount) {
        this.dispatcher = dispatcher;
        this.requestLog = requestLog;
        this.settings = settings;
        this.reaper = reaper;
        this.hostname = hostname;
        this.workers = new WorkerCounters[workerCount + 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new WorkerCounters();
        }
    }

    /** The counters of worker {@code id} (from 1). */
    WorkerCounters worker(int id) {
        return workers[id];
    }

    /**
     * Counts a finished request and writes its line to the request log.
     *
     * @param startMicros  wall-clock start, epoch microseconds
     * @param startNanos   {@link System#nanoTime()} at the start
     */
    void finished(Exchange exchange, HttpResponseWriter response, Map<String, String> vars, long varsBytes,
                  int varCount, long startMicros, long startNanos) {
        long micros = (System.nanoTime() - startNanos) / 1000;
        Dispatcher.Core core = exchange.core();
        int wid = core == null ? 1 : core.worker();
        WorkerCounters counters = workers[wid];
        long workerRequests = counters.requests.incrementAndGet();
        counters.tx.addAndGet(response.bodyBytes());
        counters.totalMicros.addAndGet(micros);
        if (exchange.failed()) {
            counters.exceptions.incrementAndGet();
        }
        long total = totalRequests.incrementAndGet();
        requestLog.log(RequestRecord.builder()
                .vars(vars)
                .varCount(varCount)
                .varsBytes(varsBytes)
                .pid(pid)
                .workerId(wid)
                .appId(0)
                .appRequests(workerRequests)
                .totalRequests(total)
                .core(core == null ? 0 : core.id())
                .switches(1)
                .modifier1(exchange.modifier1())
                .modifier2(exchange.modifier2())
                .startMicros(startMicros)
                .durationMicros(micros)
                .status(response.status())
                .responseBytes(response.bodyBytes())
                .headerCount(response.headerCount())
                .headerBytes(response.headBytes())
                .build());
    }

    /** Logs uWSGI's line for a request refused because every core is busy and the queue is full. */
    void queueFull(Listener listener) {
        LOG.warn("*** uWSGI listen queue of socket \"{}\" full !!! ({}/{}) ***", listener.boundName(),
                dispatcher.queued() + 1, dispatcher.capacity());
    }

    static long epochMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }
}
