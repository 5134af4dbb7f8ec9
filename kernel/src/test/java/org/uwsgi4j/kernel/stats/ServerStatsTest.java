package org.uwsgi4j.kernel.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.dispatch.ClientRequest;
import org.uwsgi4j.kernel.dispatch.DispatchTable;
import org.uwsgi4j.kernel.dispatch.Modifiers;
import org.uwsgi4j.kernel.dispatch.Target;
import org.uwsgi4j.kernel.log.LogPipeline;
import org.uwsgi4j.kernel.log.RequestLog;
import org.uwsgi4j.kernel.log.TestOptions;
import org.uwsgi4j.kernel.net.Server;

/** The stats document's queues: each socket's accept backlog (the operating system's) and the requests waiting for a core. */
class ServerStatsTest {

    /** A target with {@code queued} requests waiting. */
    private static Target holding(int queued) {
        return new Target() {
            @Override
            public void submit(ClientRequest request) {
            }

            @Override
            public void awaitTurn(org.uwsgi4j.kernel.dispatch.RequestQueue.Lane lane) {
            }

            @Override
            public void expire() {
            }

            @Override
            public int queued() {
                return queued;
            }

            @Override
            public int capacity() {
                return 100;
            }
        };
    }

    @Test
    void socketsReportTheirBacklogAndTheDocumentTheRequestQueue() throws Exception {
        var options = TestOptions.of("socket", "127.0.0.1:0", "http-socket", "127.0.0.1:0", "http-socket-modifier1", "5");
        DispatchTable table = new DispatchTable();
        table.bindApp(0, holding(1));   // e.g. python's workers behind the uwsgi socket
        table.bindApp(5, holding(3));   // e.g. psgi's behind the HTTP socket
        try (LogPipeline pipeline = LogPipeline.open(TestOptions.of(), new ByteArrayOutputStream());
             Server server = Server.bind(Server.listenSpecs(options), options, new Modifiers(table),
                     RequestLog.fromOptions(options, pipeline))) {
            int httpPort = server.listeners().get(1).port();
            // not accepting yet: connections wait in the operating system's backlog (once they
            // have sent something: TCP sockets defer accept() until then, as uWSGI's do)
            try (var a = new java.net.Socket("127.0.0.1", httpPort); var b = new java.net.Socket("127.0.0.1", httpPort)) {
                a.getOutputStream().write('G');
                b.getOutputStream().write('G');
                StatsSnapshot doc = new ServerStats(server, List::of, "test").snapshot();
                assertEquals(List.of("uwsgi", "http"), doc.sockets().stream().map(StatsSnapshot.Socket::proto).toList());
                assertEquals(List.of(0L, 2L), doc.sockets().stream().map(StatsSnapshot.Socket::queue).toList(),
                        "each socket's backlog, as TCP_INFO gives it");
                assertEquals(2, doc.listenQueue(), "the largest backlog");
                assertEquals(4, doc.requestQueue(), "the requests waiting for a core in every target");
            }
        }
    }
}
