package org.uwsgi4j.kernel.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Byte fixtures under {@code src/test/resources/protocol}: {@code NNN.http} or {@code NNN.bin} beside expectations. */
final class Fixtures {

    private Fixtures() {
    }

    /** One fixture: its name, bytes, and the path of its siblings. */
    record Fixture(String name, byte[] bytes, Path file) {

        Path sibling(String extension) {
            return file.resolveSibling(name + "." + extension);
        }

        String text(String extension) {
            return read(sibling(extension));
        }

        boolean has(String extension) {
            return Files.exists(sibling(extension));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** An expectation file: {@code @key=value} lines then {@code KEY=VALUE} lines in order. */
    record Expected(Map<String, String> meta, List<String> vars) {
    }

    static List<Fixture> list(String dir, String extension) {
        try {
            URL url = Fixtures.class.getClassLoader().getResource("protocol/" + dir);
            if (url == null) {
                throw new IllegalStateException("no fixtures in protocol/" + dir);
            }
            try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
                List<Fixture> out = new ArrayList<>();
                for (Path p : files.filter(f -> f.toString().endsWith("." + extension)).sorted().toList()) {
                    String file = p.getFileName().toString();
                    out.add(new Fixture(file.substring(0, file.length() - extension.length() - 1), Files.readAllBytes(p), p));
                }
                return out;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String read(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Expected expected(String text) {
        Map<String, String> meta = new LinkedHashMap<>();
        List<String> vars = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("@")) {
                int eq = line.indexOf('=');
                meta.put(line.substring(1, eq), line.substring(eq + 1));
            } else {
                vars.add(line);
            }
        }
        return new Expected(meta, vars);
    }

    /** The variables as {@code KEY=VALUE} lines, in blob order (no map: order and repeats matter). */
    static List<String> lines(RequestVars vars) {
        List<String> out = new ArrayList<>();
        byte[] b = vars.blob();
        int pos = 0;
        for (int v = 0; v < vars.count(); v++) {
            int k = pos;
            while (b[k] != 0) {
                k++;
            }
            int e = k + 1;
            while (b[e] != 0) {
                e++;
            }
            out.add(new String(b, pos, k - pos, StandardCharsets.ISO_8859_1) + "=" + new String(b, k + 1, e - k - 1, StandardCharsets.ISO_8859_1));
            pos = e + 1;
        }
        if (pos != vars.blobLength()) {
            throw new AssertionError("blob length " + vars.blobLength() + " but vars end at " + pos);
        }
        return out;
    }

    static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Feeds {@code data} to {@code step} in pieces cut at {@code cuts} (ascending offsets). */
    static List<ByteBuffer> pieces(byte[] data, int... cuts) {
        List<ByteBuffer> out = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            out.add(ByteBuffer.wrap(data, from, cut - from).slice());
            from = cut;
        }
        out.add(ByteBuffer.wrap(data, from, data.length - from).slice());
        return out;
    }
}
