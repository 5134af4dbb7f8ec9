package org.uwsgi4j.kernel.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.stats.StatsSnapshot.Core;
import org.uwsgi4j.kernel.stats.StatsSnapshot.Worker;

class StatsJsonTest {

    static String resource(String name) throws IOException {
        try (InputStream in = StatsJsonTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** uWSGI's document is ours up to uwsgi4j's own last fields, {@code request_queue} and {@code static_requests} (docs/stats.md). */
    static String uwsgisPart(String ours) {
        String own = ",\n\t\"request_queue\":0,\n\t\"static_requests\":0\n}";
        assertTrue(ours.endsWith(own), ours);
        return ours.substring(0, ours.length() - own.length()) + "\n}";
    }

    @Test
    void idleDocumentIsByteForByteUwsgis() throws IOException {
        assertEquals(resource("uwsgi-2.0.21-stats-idle.json"), uwsgisPart(StatsJson.write(Snapshots.idle(), false)));
    }

    @Test
    void busyCoreWithItsVarsIsByteForByteUwsgis() throws IOException {
        String http = resource("uwsgi-2.0.21-stats-http-busy.txt");
        String body = http.substring(http.indexOf("\r\n\r\n") + 4);
        assertEquals(body, uwsgisPart(StatsJson.write(Snapshots.busy(), false)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void fieldNamesOrderAndTypesAsUwsgitopReadsThem() {
        var doc = (Map<String, Object>) MiniJson.parse(StatsJson.write(Snapshots.busy(), false));
        assertEquals(List.of("version", "listen_queue", "listen_queue_errors", "signal_queue", "load", "pid", "uid", "gid",
                "cwd", "locks", "sockets", "workers", "request_queue", "static_requests"), List.copyOf(doc.keySet()));
        var socket = (Map<String, Object>) ((List<Object>) doc.get("sockets")).getFirst();
        assertEquals(List.of("name", "proto", "queue", "max_queue", "shared", "can_offload"), List.copyOf(socket.keySet()));
        var workers = (List<Object>) doc.get("workers");
        var w2 = (Map<String, Object>) workers.get(1);
        assertEquals(List.of("id", "pid", "accepting", "requests", "delta_requests", "exceptions", "harakiri_count", "signals",
                "signal_queue", "status", "rss", "vsz", "running_time", "last_spawn", "respawn_count", "tx", "avg_rt", "apps",
                "cores"), List.copyOf(w2.keySet()));
        for (String number : List.of("id", "pid", "requests", "exceptions", "rss", "vsz", "running_time", "last_spawn", "tx", "avg_rt")) {
            assertInstanceOf(Long.class, w2.get(number), number);
        }
        assertEquals("busy", w2.get("status"));
        var app = (Map<String, Object>) ((List<Object>) w2.get("apps")).getFirst();
        assertEquals(List.of("id", "modifier1", "mountpoint", "startup_time", "requests", "exceptions", "chdir"), List.copyOf(app.keySet()));
        var core = (Map<String, Object>) ((List<Object>) w2.get("cores")).getFirst();
        assertEquals(List.of("id", "requests", "static_requests", "routed_requests", "offloaded_requests", "write_errors",
                "read_errors", "in_request", "vars", "req_info"), List.copyOf(core.keySet()));
        assertEquals(1L, core.get("in_request"));
        assertEquals(Map.of("request_start", 1795316713L), core.get("req_info"));
        assertEquals("", ((List<Object>) core.get("vars")).getLast());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPluginSectionIsWrittenLastUnderItsName() {
        Map<String, Object> node = new java.util.LinkedHashMap<>();
        node.put("name", "127.0.0.1:3031");
        node.put("hits", 2L);
        node.put("grace", 0);
        Map<String, Object> http = new java.util.LinkedHashMap<>();
        http.put("active_sessions", 1);
        http.put("http", List.of("127.0.0.1:8080"));
        http.put("static_nodes", List.of(node));
        http.put("subscriptions", List.of());
        http.put("up", true);
        var snapshot = Snapshots.busy().withSections(Map.of("http", http));
        for (boolean minified : new boolean[] {false, true}) {
            var doc = (Map<String, Object>) MiniJson.parse(StatsJson.write(snapshot, minified));
            assertEquals("http", List.copyOf(doc.keySet()).getLast());
            var section = (Map<String, Object>) doc.get("http");
            assertEquals(List.of("active_sessions", "http", "static_nodes", "subscriptions", "up"), List.copyOf(section.keySet()));
            assertEquals(List.of("127.0.0.1:8080"), section.get("http"));
            assertEquals("127.0.0.1:3031", ((Map<String, Object>) ((List<Object>) section.get("static_nodes")).getFirst()).get("name"));
            assertEquals(List.of(), section.get("subscriptions"));
            assertEquals(MiniJson.parse("1"), section.get("up"), "a boolean as uWSGI's 0/1");
        }
        assertTrue(StatsJson.write(snapshot, false).contains("\n\t\"http\":{\n\t\t\"active_sessions\":1,\n\t\t\"http\":[\n\t\t\t\"127.0.0.1:8080\"\n\t\t],"),
                StatsJson.write(snapshot, false));
    }

    @Test
    void minifiedIsTheSameDocumentWithoutWhitespace() {
        String pretty = StatsJson.write(Snapshots.busy(), false);
        String minified = StatsJson.write(Snapshots.busy(), true);
        assertFalse(minified.contains("\n") || minified.contains("\t"), minified);
        assertEquals(MiniJson.parse(pretty), MiniJson.parse(minified));
        assertEquals("{\"version\":\"2.0.21-debian\",\"listen_queue\":0,", minified.substring(0, 44));
    }

    @Test
    @SuppressWarnings("unchecked")
    void stringsAreEscapedSoTheDocumentStaysValid() {
        String nasty = "a\"b\\c\nd\te\u0001f\u007fé€\uD83D\uDE00";
        var core = new Core(0, 0, 0, 0, 0, 0, 0, true, List.of("HTTP_X=" + nasty), 1);
        var worker = new Worker(1, 2, false, 0, 0, 0, 0, 0, 0, StatsSnapshot.signalStatus(9), 0, 0, 0, 0, 0, 0, 0, List.of(), List.of(core));
        var snap = new StatsSnapshot("v\"1", 0, 0, 0, 0, 1, 0, 0, "/tmp/with \"quote\"", List.of(), List.of(), List.of(worker), 0);
        for (boolean minified : new boolean[] {false, true}) {
            var doc = (Map<String, Object>) MiniJson.parse(StatsJson.write(snap, minified));
            assertEquals("v\"1", doc.get("version"));
            assertEquals("/tmp/with \"quote\"", doc.get("cwd"));
            assertEquals(List.of(), doc.get("locks"));
            var w = (Map<String, Object>) ((List<Object>) doc.get("workers")).getFirst();
            assertEquals("sig9", w.get("status"));
            assertEquals(0L, w.get("accepting"));
            var c = (Map<String, Object>) ((List<Object>) w.get("cores")).getFirst();
            assertEquals(List.of("HTTP_X=" + nasty, ""), c.get("vars"));
        }
    }

    @Test
    void emptyListsKeepUwsgisLayout() {
        var snap = new StatsSnapshot("x", 0, 0, 0, 0, 1, 0, 0, "/", List.of(), List.of(), List.of(), 0);
        assertEquals("{\n\t\"version\":\"x\",\n\t\"listen_queue\":0,\n\t\"listen_queue_errors\":0,\n\t\"signal_queue\":0,\n"
                + "\t\"load\":0,\n\t\"pid\":1,\n\t\"uid\":0,\n\t\"gid\":0,\n\t\"cwd\":\"/\",\n"
                + "\t\"locks\":[\n\n\t],\n\t\"sockets\":[\n\n\t],\n\t\"workers\":[\n\n\t],\n\t\"request_queue\":0,\n\t\"static_requests\":0\n}",
                StatsJson.write(snap, false));
    }
    @Test
    @SuppressWarnings("unchecked")
    void aPoolInCheaperModeAddsItsCheaperObjectAndEachWorkersFigures() {
        var core = new Core(0, 0, 0, 0, 0, 0, 0, false, List.of(), 0);
        var figured = new Worker(1, 2, true, 0, 0, 0, 0, 0, 0, "idle", 0, 0, 0, 0, 0, 0, 0, List.of(), List.of(core),
                Map.of("busyness", 42L));
        var plain = new Worker(2, 0, true, 0, 0, 0, 0, 0, 0, "cheap", 0, 0, 0, 0, 0, 0, 0, List.of(), List.of(core));
        var pool = new LinkedHashMap<String, Object>();
        pool.put("avg_busyness", 42L);
        pool.put("last_action", "spawn");
        var snap = new StatsSnapshot("x", 0, 0, 0, 0, 1, 0, 0, "/", List.of(), List.of(), List.of(figured, plain), 3,
                List.of(new StatsSnapshot.Cheaper(0, "busyness", 1, pool)));
        for (boolean minified : new boolean[] {false, true}) {
            String json = StatsJson.write(snap, minified);
            var doc = (Map<String, Object>) MiniJson.parse(json);
            var workers = (List<Map<String, Object>>) doc.get("workers");
            assertEquals(Map.of("busyness", 42L), workers.get(0).get("cheaper"));
            assertFalse(workers.get(1).containsKey("cheaper"), json);
            assertEquals(3L, doc.get("request_queue"));
            assertEquals(List.of(Map.of("modifier1", 0L, "algo", "busyness", "decision", 1L, "avg_busyness", 42L,
                    "last_action", "spawn")), doc.get("cheaper"));
        }
        var none = new StatsSnapshot("x", 0, 0, 0, 0, 1, 0, 0, "/", List.of(), List.of(), List.of(plain), 0);
        assertFalse(StatsJson.write(none, true).contains("cheaper"));
    }
}
