package org.uwsgi4j.kernel.net;

import java.util.concurrent.atomic.AtomicLong;
import org.uwsgi4j.kernel.dispatch.DispatchTable;
import org.uwsgi4j.kernel.dispatch.RequestQueue;
import org.uwsgi4j.kernel.log.RequestLog;
import org.uwsgi4j.kernel.log.RequestRecord;
import org.uwsgi4j.kernel.os.ProcMemory;
import org.uwsgi4j.kernel.os.SocketRecv;
import org.uwsgi4j.kernel.statics.StaticFiles;

/**
 * What every connection of an instance shares: the dispatch table, the request log, the
 * settings, the socket-timeout reaper, the request counters and the static-file rules.
 */
final class ServerContext {

    final DispatchTable table;
    final RequestLog requestLog;
    final ServerSettings settings;
    final IdleReaper reaper;
    final String hostname;
    final long pid = ProcessHandle.current().pid();
    final AtomicLong totalRequests = new AtomicLong();
    /** The static-file rules (none: {@link StaticFiles#active} false). */
    final StaticFiles statics;
    /** {@code --add-header}: appended to every response the connections write. */
    final AddedHeaders addedHeaders;
    /** The first read of a connection just accepted: one {@code recv} that does not wait (see {@link ClientChannel#fillNow}). */
    final SocketRecv recv = SocketRecv.open();
    private final WorkerCounters[] workers;

    ServerContext(DispatchTable table, RequestLog requestLog, ServerSettings settings, IdleReaper reaper,
                  String hostname, int workerCount, StaticFiles statics, AddedHeaders addedHeaders) {
        this.statics = statics;
        this.addedHeaders = addedHeaders;
        this.table = table;
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
    void finished(Exchange exchange, HttpResponseWriter response, long varsBytes,
                  int varCount, long startMicros, long startNanos) {
        long micros = (System.nanoTime() - startNanos) / 1000;
        int wid = Math.min(exchange.workerId(), workers.length - 1);
        WorkerCounters counters = workers[wid];
        long workerRequests = counters.requests.incrementAndGet();
        counters.tx.addAndGet(response.bodyBytes());
        counters.totalMicros.addAndGet(micros);
        if (exchange.appError()) {
            counters.exceptions.incrementAndGet();
        }
        long total = totalRequests.incrementAndGet();
        if (requestLog.policy().logsNothing()) {
            return; // --disable-logging: no record, no vars map, no memory read
        }
        ProcMemory memory = requestLog.memoryReport() ? ProcMemory.of(exchange.workerPid()) : ProcMemory.NONE;
        requestLog.log(RequestRecord.builder()
                .vars(exchange.vars())
                .varCount(varCount)
                .varsBytes(varsBytes)
                .pid(exchange.workerPid())
                .workerId(wid)
                .appId(exchange.isStatic() ? -1 : 0)
                .appRequests(exchange.isStatic() ? -1 : workerRequests)
                .totalRequests(total)
                .core(exchange.coreId())
                .switches(exchange.isStatic() ? 0 : 1)
                .modifier1(exchange.modifier1())
                .modifier2(exchange.modifier2())
                .startMicros(startMicros)
                .durationMicros(micros)
                .status(response.status())
                .responseBytes(response.bodyBytes())
                .headerCount(response.headerCount())
                .headerBytes(response.headBytes())
                .readErrors(exchange.readErrors())
                .writeErrors(exchange.writeErrors())
                .rss(memory.rss())
                .vsz(memory.vsz())
                .build());
    }

    /**
     * Hands {@code exchange} to the target of its modifier1 (one lookup in the dispatch table),
     * which queues it (never refused for a full queue: the gates below hold the work back).
     */
    void submit(Exchange exchange) {
        table.target(exchange.modifier1()).submit(exchange);
    }

    /**
     * Waits for the turn of a connection of {@code listener} to take one more request from the
     * network, in {@code lane} (the target of the socket's modifier1 decides; see
     * {@link org.uwsgi4j.kernel.dispatch.RequestQueue}).
     */
    void awaitTurn(Listener listener, RequestQueue.Lane lane) throws InterruptedException {
        table.target(listener.spec().modifier1()).awaitTurn(lane);
    }

    static long epochMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }
}
