package org.uwsgi4j.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uwsgi4j.kernel.api.WorkerHost;
import org.uwsgi4j.kernel.log.TestOptions;

/**
 * The language-neutral facts come from the kernel: any host the {@link ProcessLauncher} starts
 * gets the options, the master's pid, the start time and the version, whatever its plugin gave.
 */
class HostEnvironmentTest {

    @TempDir
    Path dir;

    @Test
    void everyHostGetsTheFactsFromTheKernelNotFromItsPlugin() throws Exception {
        PoolSettings settings = PoolSettings.fromOptions(TestOptions.of("processes", "2", "env", "A=1"), "1.2.3");
        Path out = dir.resolve("env");
        // a host of no language at all: the shell prints what it was given
        WorkerHost host = new WorkerHost(List.of("/bin/sh", "-c",
                "printf '%s\\n' \"$UWSGI4J_OPTIONS\" \"$UWSGI4J_MASTER_PID\" \"$UWSGI4J_STARTED_ON\" \"$UWSGI4J_VERSION\" > " + out),
                Map.of("UWSGI4J_VERSION", "9.9.9"), dir, "sh");
        Process p = ProcessLauncher.start(host, dir.resolve("s.sock"), "token", "host", 0, settings);
        assertEquals(true, p.waitFor(10, TimeUnit.SECONDS));
        List<String> lines = Files.readAllLines(out);
        assertEquals("[[\"processes\",\"2\"],[\"env\",\"A=1\"]]", lines.get(0));
        assertEquals(Long.toString(ProcessHandle.current().pid()), lines.get(1));
        long startedOn = Long.parseLong(lines.get(2));
        assertEquals(true, startedOn > 0 && startedOn <= System.currentTimeMillis() / 1000, lines.get(2));
        assertEquals("1.2.3", lines.get(3), "the kernel's version, not the plugin's");
    }

    @Test
    void optionsAreJsonWithFlagsAsTrueAndEscapes() {
        assertEquals("[[\"master\",\"true\"],[\"a\",\"q\\\"b\\\\c\\u0001\"]]",
                HostEnvironment.json(List.of(new java.util.AbstractMap.SimpleEntry<>("master", null), Map.entry("a", "q\"b\\c\u0001"))));
    }
}
