package org.uwsgi4j.kernel.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The memory of a process as uWSGI reports it ({@code --memory-report}, {@code --reload-on-rss},
 * the stats server's {@code rss}/{@code vsz}): its resident set and its address space, in
 * bytes, from the {@code VmRSS} and {@code VmSize} lines of {@code /proc/PID/status}. One small
 * read, no process started; callers read it only when an option asks for it.
 *
 * @param rss resident set size in bytes (0 when unknown)
 * @param vsz address space size in bytes (0 when unknown)
 */
public record ProcMemory(long rss, long vsz) {

    /** Nothing known: the process is gone, is a zombie, or this is not Linux. */
    public static final ProcMemory NONE = new ProcMemory(0, 0);

    /** The memory of process {@code pid} now, or {@link #NONE}. */
    public static ProcMemory of(long pid) {
        if (pid <= 0) {
            return NONE;
        }
        try {
            return parse(new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "status")),
                    StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    /** The values of a {@code /proc/PID/status} text ({@code VmRSS:   1234 kB}). */
    static ProcMemory parse(String status) {
        return new ProcMemory(kiB(status, "\nVmRSS:") * 1024, kiB(status, "\nVmSize:") * 1024);
    }

    private static long kiB(String status, String key) {
        int at = status.indexOf(key);
        if (at < 0) {
            return 0;
        }
        long n = 0;
        boolean digits = false;
        for (int i = at + key.length(); i < status.length(); i++) {
            char c = status.charAt(i);
            if (c >= '0' && c <= '9') {
                n = n * 10 + (c - '0');
                digits = true;
            } else if (digits || c == '\n') {
                break;
            }
        }
        return n;
    }
}
