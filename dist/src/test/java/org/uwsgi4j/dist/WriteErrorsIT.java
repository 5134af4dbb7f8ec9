package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an app sees when its client goes away mid-response (uWSGI's core/writer.c and python
 * plugin): by default its next write() raises {@code OSError: write error} and its iterable is
 * asked for nothing more; {@code --disable-write-exception} makes the writes drop silently;
 * {@code --write-errors-tolerance N} lets N more writes or chunks go before either happens.
 * The client reads the first chunk and closes; the app goes on only once the test says so. The
 * Perl host's streaming writer and the Ruby host's body iteration follow the same rules.
 */
class WriteErrorsIT {

    private static final Path APPS = Path.of("src/test/resources/apps").toAbsolutePath();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path cwd;

    @Test
    void byDefaultTheWriteRaisesAndTheIterationStops() throws Exception {
        try (var server = start()) {
            List<String> wrote = clientGoesAway(server, "/write", "w");
            assertTrue(wrote.size() == 1 && wrote.getFirst().matches("raised \\d+ write error"), wrote.toString());
            List<String> iterated = clientGoesAway(server, "/iterate", "i");
            assertEquals("closed", iterated.getLast());
            assertTrue(iterated.size() < 41, "asked for fewer than the 40 chunks: " + iterated);
            server.awaitLine("^OSError: write error$", WAIT);
        }
    }

    @Test
    void disableWriteExceptionDropsTheWritesSilently() throws Exception {
        try (var server = start("--disable-write-exception")) {
            assertEquals(List.of("no error"), clientGoesAway(server, "/write", "w"));
            List<String> iterated = clientGoesAway(server, "/iterate", "i");
            assertTrue(iterated.size() < 41 && iterated.getLast().equals("closed"), "the iteration still stops: " + iterated);
        }
    }

    @Test
    void writeErrorsToleranceLetsTheAppGoOn() throws Exception {
        try (var server = start("--write-errors-tolerance", "1000")) {
            assertEquals(List.of("no error"), clientGoesAway(server, "/write", "w"));
            List<String> iterated = clientGoesAway(server, "/iterate", "i");
            assertEquals(41, iterated.size(), "all 40 chunks, then the clean-up: " + iterated);
            assertEquals("closed", iterated.getLast());
        }
    }

    @Test
    void perlAndRubyHostsDoTheSame() throws Exception {
        // Perl: the streaming writer raises by default, not with a tolerance
        try (var server = start("--psgi", "write_errors.psgi")) {
            List<String> wrote = clientGoesAway(server, "/write", "pw");
            assertTrue(wrote.size() == 1 && wrote.getFirst().matches("raised \\d+ write error: the client is gone"), wrote.toString());
        }
        try (var server = start("--psgi", "write_errors.psgi", "--write-errors-tolerance", "1000")) {
            assertEquals(List.of("no error"), clientGoesAway(server, "/write", "pw2"));
        }
        // Ruby (Rack has no write callable): the body's chunks
        try (var server = start("--rack", "write_errors.ru", "--write-errors-tolerance", "1000")) {
            List<String> iterated = clientGoesAway(server, "/iterate", "ri");
            assertEquals(41, iterated.size(), "all 40 chunks, then the clean-up: " + iterated);
        }
    }

    private UwsgiProcess start(String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--http-socket", "127.0.0.1:0", "--master", "--processes", "1", "--disable-logging"));
        if (more.length == 0 || !more[0].matches("--(psgi|rack)")) {
            args.addAll(List.of("--wsgi-file", UwsgiProcess.copyApp(APPS, "write_errors.py", cwd).toString()));
        } else if (!Files.exists(cwd.resolve(more[1]))) {
            UwsgiProcess.copyApp(APPS, more[1], cwd); // served from the working directory, by its name
        }
        args.addAll(List.of(more));
        return UwsgiProcess.start(cwd, args.toArray(String[]::new));
    }

    /** GET path, read the head and the first chunk, close; then let the app go on and wait for its record's end. */
    private List<String> clientGoesAway(UwsgiProcess server, String path, String name) throws Exception {
        Path record = cwd.resolve(name);
        try (Socket s = new Socket("127.0.0.1", server.httpPort())) {
            s.getOutputStream().write(("GET " + path + "?f=" + record + " HTTP/1.1\r\nHost: t\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("first\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new AssertionError("the response ended before its first chunk: " + seen);
                }
                seen.append((char) b);
            }
        }
        Files.createFile(cwd.resolve(name + ".closed"));
        for (long deadline = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < deadline; Thread.sleep(20)) {
            List<String> lines = Files.exists(record) ? Files.readAllLines(record) : List.of();
            if (!lines.isEmpty() && (lines.getLast().equals("closed") || lines.getLast().startsWith("raised") || lines.getLast().equals("no error"))) {
                return lines;
            }
        }
        throw new AssertionError("the app never finished: " + (Files.exists(record) ? Files.readString(record) : "(no record)") + "\n" + server.output());
    }
}
