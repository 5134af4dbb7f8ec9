package org.uwsgi4j.kernel.os;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The name {@code ps} shows for this process, set as uWSGI sets its own on Linux: written over
 * the process's argv area (from {@code arg_start} to {@code arg_end}, fields 48 and 49 of
 * /proc/self/stat): the name, a NUL, then spaces to the area's end, so that the kernel's
 * /proc/PID/cmdline reads up to the NUL. A name longer than the area is cut to fit.
 *
 * <p>Safe for the JVM: its launcher copies argv into its own arrays before the VM starts and
 * never reads the area again (the JDK's {@code ProcessHandle.Info.arguments()} reads
 * /proc/self/cmdline, and then shows the new name). Call it after anything that re-executes
 * the JVM from its command line ({@code --daemonize}).
 */
public final class ProcessTitle {

    private ProcessTitle() {
    }

    /**
     * Renames this process.
     *
     * @throws IOException /proc/self/stat cannot be read or has no argv area
     */
    public static void set(String name) throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long start;
        long end;
        try {
            start = Long.parseLong(fields[45]); // field 48: arg_start (fields count from 1; these from field 3)
            end = Long.parseLong(fields[46]);   // field 49: arg_end
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            throw new IOException("no argv area in /proc/self/stat");
        }
        long area = end - start;
        if (start == 0 || area < 2) {
            throw new IOException("no argv area in /proc/self/stat");
        }
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        int n = (int) Math.min(bytes.length, area - 1);
        MemorySegment argv = MemorySegment.ofAddress(start).reinterpret(area);
        MemorySegment.copy(bytes, 0, argv, ValueLayout.JAVA_BYTE, 0, n);
        argv.set(ValueLayout.JAVA_BYTE, n, (byte) 0);
        argv.asSlice(n + 1).fill((byte) ' ');
    }
}
