package org.uwsgi4j.kernel.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads option specs from their data file ({@code OSGI-INF/uwsgi4j/options} in the kernel and
 * in every plugin bundle). One option a line, whitespace-separated columns, help last:
 *
 * <pre>
 * # names             short argument type   repeat default status                 help
 * socket,uwsgi-socket s     required string many   -       implemented:SocketsIT  bind to the specified UNIX/TCP socket
 * master              M     none     bool   once   -       implied                enable the master process (implied: ...)
 * route               -     required string many   -       refused                add a route
 * </pre>
 *
 * Names are comma-separated, the first canonical; {@code -} stands for "none" in the short
 * and default columns; the status column is {@link OptionSpec.Status}'s. Blank lines and lines starting with {@code #} are ignored. A malformed
 * line is an {@link IllegalArgumentException} naming the source and line: specs ship inside
 * bundles, so a bad one is a build mistake, found by the tests.
 */
public final class OptionSpecReader {

    private OptionSpecReader() {
    }

    /** Reads every spec of {@code in}, owned by {@code owner}; {@code source} names it in errors. */
    public static List<OptionSpec> read(InputStream in, String owner, String source) throws IOException {
        List<OptionSpec> specs = new ArrayList<>();
        var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int lineNo = 0;
        for (String line; (line = reader.readLine()) != null; ) {
            lineNo++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            specs.add(parse(trimmed, owner, source + ":" + lineNo));
        }
        return specs;
    }

    static OptionSpec parse(String line, String owner, String where) {
        String[] cols = line.split("\\s+", 8);
        if (cols.length < 8) {
            throw new IllegalArgumentException(where + ": expected 8 columns (names short argument type repeat default status help), got " + cols.length);
        }
        List<String> names = Arrays.asList(cols[0].split(","));
        String shortCol = cols[1];
        if (!shortCol.equals("-") && shortCol.length() != 1) {
            throw new IllegalArgumentException(where + ": short flag must be one character or -: " + shortCol);
        }
        try {
            var argument = OptionSpec.Argument.valueOf(cols[2].toUpperCase(Locale.ROOT));
            var type = OptionSpec.ValueType.valueOf(cols[3].toUpperCase(Locale.ROOT));
            boolean repeatable = switch (cols[4]) {
                case "many" -> true;
                case "once" -> false;
                default -> throw new IllegalArgumentException("repeat must be once or many: " + cols[4]);
            };
            return new OptionSpec(names.getFirst(), names.subList(1, names.size()),
                    shortCol.equals("-") ? 0 : shortCol.charAt(0), argument, type, repeatable,
                    cols[5].equals("-") ? null : cols[5], cols[7], owner, OptionSpec.Status.parse(cols[6]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
