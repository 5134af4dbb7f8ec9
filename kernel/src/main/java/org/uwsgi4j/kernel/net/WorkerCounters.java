package org.uwsgi4j.kernel.net;

import java.util.concurrent.atomic.AtomicLong;

/** What the stats server and the request log report for one worker: requests, bytes, time. */
final class WorkerCounters {

    final AtomicLong requests = new AtomicLong();
    final AtomicLong exceptions = new AtomicLong();
    final AtomicLong tx = new AtomicLong();
    final AtomicLong totalMicros = new AtomicLong();

    /** Average response time in microseconds, as uWSGI's avg_rt. */
    long averageMicros() {
        long n = requests.get();
        return n == 0 ? 0 : totalMicros.get() / n;
    }
}
