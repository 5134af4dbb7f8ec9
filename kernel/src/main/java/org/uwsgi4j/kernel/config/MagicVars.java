package org.uwsgi4j.kernel.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The magic variables of one config file: {@code %d %n %c %p %s %e %x %o %j %0..%9} about
 * the file itself, their upper-case twins about the first non-template file, and
 * {@code %v %h %V %k %u %U %g %G %t %T %[ %%}. Expanded over the file's raw text before it
 * is parsed, as uWSGI does, so they work in every format.
 *
 * <pre>
 *  %o as written   t/app.ini          %p full path   /srv/t/app.ini
 *  %s file name    app.ini            %d its dir     /srv/t/        (trailing slash)
 *  %n name w/o ext app                %e extension   ini
 *  %c dir name     t                  %0..%9 components of %d: srv, t
 *  %x section asked explicitly (or empty)   %j djb33x hash of %p, hex
 * </pre>
 *
 * A {@code %} followed by any other character expands to nothing, as in uWSGI 2.0; a
 * {@code %(} is left alone for the placeholder pass; a {@code %} ending a line stays.
 */
final class MagicVars {

    private final Map<Character, String> table = new HashMap<>();

    private MagicVars() {
    }

    /**
     * The table for the file {@code written} (as the user wrote it, section stripped),
     * read from {@code cwd}, with {@code section} the section asked for explicitly (or
     * empty); {@code first} is the table of the first non-template file, or null when this
     * is it.
     */
    static MagicVars forFile(String written, String section, Path cwd, HostFacts host, MagicVars first) {
        MagicVars m = new MagicVars();
        m.fillHost(cwd, host);
        m.fillFile(written, section, cwd);
        MagicVars upper = first == null ? m : first;
        for (char c : "opsdencxj".toCharArray()) {
            m.table.put(Character.toUpperCase(c), upper.table.getOrDefault(c, ""));
        }
        return m;
    }

    private void fillHost(Path cwd, HostFacts host) {
        table.put('v', cwd.toString());
        table.put('h', host.hostname());
        table.put('V', host.version());
        table.put('k', String.valueOf(host.cpus()));
        table.put('u', host.uid());
        table.put('U', host.user());
        table.put('g', host.gid());
        table.put('G', host.group());
        table.put('t', String.valueOf(host.startMicros() / 1_000_000L));
        table.put('T', String.valueOf(host.startMicros()));
        table.put('[', "\033");
        table.put('%', "%");
    }

    private void fillFile(String written, String section, Path cwd) {
        table.put('o', written);
        table.put('x', section);
        Path resolved = cwd.resolve(written).normalize();
        String full = resolved.toString();
        if (!Files.isSymbolicLink(resolved)) {
            try {
                full = resolved.toRealPath().toString();
            } catch (IOException e) {
                // keep the normalised path; the reader reports a missing file
            }
        }
        table.put('p', full);
        int slash = full.lastIndexOf('/');
        String name = full.substring(slash + 1);
        String dir = full.substring(0, slash + 1);
        table.put('s', name);
        table.put('d', dir);
        String dirNoSlash = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
        table.put('c', dirNoSlash.substring(dirNoSlash.lastIndexOf('/') + 1));
        char index = '0';
        for (String part : dirNoSlash.split("/")) {
            if (!part.isEmpty() && index <= '9') {
                table.put(index++, part);
            }
        }
        int dot = written.lastIndexOf('.');
        table.put('e', dot >= 0 ? written.substring(dot + 1) : "");
        int nameDot = name.lastIndexOf('.');
        table.put('n', nameDot >= 0 ? name.substring(0, nameDot) : name);
        table.put('j', djb33xHex(full));
    }

    /** uWSGI's djb33x hash of {@code s}, its four bytes in memory (little-endian) order, as hex. */
    static String djb33xHex(String s) {
        int hash = 5381;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash * 33) ^ (b & 0xff);
        }
        byte[] le = {(byte) hash, (byte) (hash >>> 8), (byte) (hash >>> 16), (byte) (hash >>> 24)};
        return HexFormat.of().withUpperCase().formatHex(le);
    }

    /** The value of {@code %c}, or null when none is defined for it. */
    String get(char c) {
        return table.get(c);
    }

    /** {@code text} with every magic variable expanded. */
    String expand(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char ch = text.charAt(i);
            if (ch != '%' || i + 1 >= n || text.charAt(i + 1) == '\n' || text.charAt(i + 1) == '\r') {
                out.append(ch);
                continue;
            }
            char next = text.charAt(++i);
            if (next == '(') {
                out.append("%(");
            } else {
                out.append(table.getOrDefault(next, ""));
            }
        }
        return out.toString();
    }
}
