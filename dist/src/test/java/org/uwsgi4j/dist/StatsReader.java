package org.uwsgi4j.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the stats server's workers the way uwsgitop does: Python's json module over a plain
 * socket. One row per worker slot, in the document's order.
 */
final class StatsReader {

    /** Reads the document into {@code d} as uwsgitop does; what follows prints what a test looks at. */
    private static final String READ = """
            import json, socket, sys
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); doc = b""
            while True:
                c = s.recv(65536)
                if not c: break
                doc += c
            d = json.loads(doc)
            """;

    /** A worker as the stats document shows it. */
    record Row(int id, long pid, String status, long requests, long respawnCount, long exceptions, long tx) {
    }

    private StatsReader() {
    }

    /**
     * Runs {@code printing} (Python, the document in {@code d}) after reading the stats document
     * of {@code statsPort} with Python's json module; its output, stripped.
     */
    static String python(int statsPort, String printing) throws IOException, InterruptedException {
        Process py = new ProcessBuilder("python3", "-c", READ + printing, String.valueOf(statsPort)).redirectErrorStream(true).start();
        String out = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (py.waitFor() != 0) {
            throw new AssertionError("reading the stats failed: " + out);
        }
        return out.strip();
    }

    static List<Row> workers(int statsPort) throws IOException, InterruptedException {
        String out = python(statsPort, """
                for w in d["workers"]:
                    print(w["id"], w["pid"], w["status"], w["requests"], w["respawn_count"], w["exceptions"], w["tx"])
                """);
        List<Row> rows = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            String[] f = line.split(" ");
            rows.add(new Row(Integer.parseInt(f[0]), Long.parseLong(f[1]), f[2], Long.parseLong(f[3]), Long.parseLong(f[4]),
                    Long.parseLong(f[5]), Long.parseLong(f[6])));
        }
        return rows;
    }

    /**
     * The workers once their requests add up to {@code total}: a request is counted just after
     * its response is sent (as in uWSGI), so the last one may lag its response by a moment.
     */
    static List<Row> awaitRequests(int statsPort, long total) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        List<Row> rows = workers(statsPort);
        while (rows.stream().mapToLong(Row::requests).sum() != total) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the workers' requests never added up to " + total + ": " + rows);
            }
            Thread.sleep(20); // polling the stats server, bounded by the deadline
            rows = workers(statsPort);
        }
        return rows;
    }

    /** The statuses in slot order, e.g. [idle, cheap, cheap]. */
    static List<String> statuses(int statsPort) throws IOException, InterruptedException {
        return workers(statsPort).stream().map(Row::status).toList();
    }
}
