package org.uwsgi4j.kernel.stats;

import java.util.List;
import org.uwsgi4j.kernel.stats.StatsSnapshot.App;
import org.uwsgi4j.kernel.stats.StatsSnapshot.Core;
import org.uwsgi4j.kernel.stats.StatsSnapshot.Lock;
import org.uwsgi4j.kernel.stats.StatsSnapshot.Socket;
import org.uwsgi4j.kernel.stats.StatsSnapshot.Worker;

/** The snapshots behind the documents captured from uWSGI 2.0.21 (see the resources' README.txt). */
final class Snapshots {

    private Snapshots() {
    }

    static final List<Lock> LOCKS = List.of(new Lock("user 0", 0), new Lock("signal", 0), new Lock("filemon", 0),
            new Lock("timer", 0), new Lock("rbtimer", 0), new Lock("cron", 0), new Lock("rpc", 0), new Lock("snmp", 0));

    static Core idleCore(long id, long requests) {
        return new Core(id, requests, 0, 0, 0, 0, 0, false, List.of(), 0);
    }

    /** uwsgi-2.0.21-stats-idle.json. */
    static StatsSnapshot idle() {
        var app = new App(0, 0, "", 0, 2, 0, "");
        var worker = new Worker(1, 11816, true, 2, 2, 0, 0, 0, 0, StatsSnapshot.IDLE, 0, 0, 286, 1795316694, 1, 94, 96,
                List.of(app), List.of(idleCore(0, 2)));
        return new StatsSnapshot("2.0.21-debian", 0, 0, 0, 0, 11814, 0, 0, "/tmp/uw", LOCKS,
                List.of(new Socket("127.0.0.1:18080", "http", 0, 100, false, false)), List.of(worker), 0);
    }

    /** uwsgi-2.0.21-stats-http-busy.txt: worker 2 core 0 is in GET /slow?q=1. */
    static StatsSnapshot busy() {
        var w1 = new Worker(1, 12070, true, 0, 0, 0, 0, 0, 0, StatsSnapshot.IDLE, 0, 0, 0, 1795316711, 1, 0, 0,
                List.of(new App(0, 0, "", 0, 0, 0, "")), List.of(idleCore(0, 0), idleCore(1, 0)));
        var vars = List.of("REQUEST_METHOD=GET", "PATH_INFO=/slow", "REQUEST_URI=/slow?q=1", "QUERY_STRING=q=1",
                "SERVER_PROTOCOL=HTTP/1.1", "SCRIPT_NAME=", "SERVER_NAME=vm", "SERVER_PORT=18081", "REMOTE_ADDR=127.0.0.1",
                "HTTP_HOST=127.0.0.1:18081", "HTTP_ACCEPT=*/*", "HTTP_USER_AGENT=slowpoke");
        var busyCore = new Core(0, 0, 0, 0, 0, 0, 0, true, vars, 1795316713);
        var w2 = new Worker(2, 12071, true, 0, 0, 0, 0, 0, 0, StatsSnapshot.BUSY, 0, 0, 0, 1795316711, 1, 0, 0,
                List.of(new App(0, 0, "", 0, 1, 0, "")), List.of(busyCore, idleCore(1, 0)));
        return new StatsSnapshot("2.0.21-debian", 0, 0, 0, 0, 12068, 0, 0, "/tmp/uw", LOCKS,
                List.of(new Socket("127.0.0.1:18081", "http", 0, 100, false, false)), List.of(w1, w2), 0);
    }
}
