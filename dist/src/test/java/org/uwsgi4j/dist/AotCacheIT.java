package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ahead-of-time cache that {@code bin/uwsgi4j} makes on a distribution's first start
 * (docs/distribution.md, "Start-up time"), in copies of the distribution without one. The JDK
 * is reached through a wrapper that records each JVM start's arguments, so the test sees which
 * start trained the cache and which used it.
 */
class AotCacheIT {

    private static final Path REAL_JAVA_HOME = Path.of(System.getProperty("java.home"));

    @TempDir
    Path tmp;
    private Path javaHome;
    private Path javaLog;

    /** A JDK whose {@code bin/java} appends its arguments, one line per start, to {@link #javaLog}. */
    @BeforeEach
    void recordingJdk() throws IOException {
        javaHome = Files.createDirectories(tmp.resolve("jdk/bin")).getParent();
        javaLog = tmp.resolve("java.log");
        Files.copy(REAL_JAVA_HOME.resolve("release"), javaHome.resolve("release"));
        Path java = javaHome.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho \"$*\" >> '" + javaLog + "'\nexec '" + REAL_JAVA_HOME.resolve("bin/java") + "' \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * Concurrent first starts train the cache once (the others run without it), a later start
     * uses it, and a copy of the distribution moved elsewhere with its cache makes its own: the
     * cache records where its classes came from, and with it the launcher would take the old
     * place's plugins and bundles. One test, since each training takes seconds.
     */
    @Test
    void concurrentFirstStartsTrainOnceLaterStartsUseTheCacheAndAMovedCopyMakesItsOwn() throws Exception {
        Path dist = copyOfDistribution(UwsgiProcess.DIST, tmp.resolve("dist"));
        List<Process> starts = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            starts.add(command(dist, "--version").start());
        }
        for (Process p : starts) {
            assertTrue(p.waitFor(UwsgiProcess.START_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "a start did not end");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.strip().matches("\\d+\\.\\d+\\.\\d+.*"), "each start answers --version:\n" + out);
        }
        assertEquals(1, javaStarts("-XX:AOTCacheOutput=").size(), "one start trains:\n" + Files.readString(javaLog));
        List<Path> caches = aotFiles(dist);
        assertEquals(1, caches.size(), "one cache, no temp file left: " + caches);
        Path cache = caches.getFirst();
        assertTrue(cache.getFileName().toString().matches("uwsgi4j-\\d+\\.aot"), caches.toString());

        Files.delete(javaLog);
        var later = command(dist, "--version").start();
        assertTrue(later.waitFor(UwsgiProcess.START_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, later.exitValue());
        assertEquals(List.of(), javaStarts("-XX:AOTCacheOutput="), "a later start does not train again");
        assertEquals(1, javaStarts("-XX:AOTCache=" + cache).size(), "a later start uses the cache:\n" + Files.readString(javaLog));

        Path moved = copyOfDistribution(dist, tmp.resolve("moved"));
        Files.copy(cache, Files.createDirectories(moved.resolve("lib/aot")).resolve(cache.getFileName()));
        Files.delete(moved.resolve("plugins/plugin-echo.jar"));
        Process list = command(moved, "--plugins-list").start();
        String out = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, list.waitFor(), out);
        assertTrue(out.contains("\npython "), out);
        assertFalse(out.contains("\necho "), "the moved copy lists its own plugins, not the first copy's:\n" + out);
        assertEquals(1, javaStarts("-XX:AOTCacheOutput=").size(), "the moved copy trains a cache of its own");
    }

    private ProcessBuilder command(Path dist, String... args) {
        var command = new ArrayList<>(List.of(dist.resolve("bin/uwsgi4j").toString()));
        command.addAll(List.of(args));
        var pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", javaHome.toString());
        pb.environment().remove("UWSGI4J_AOT");
        return pb;
    }

    private List<String> javaStarts(String argument) throws IOException {
        return Files.readAllLines(javaLog).stream().filter(l -> l.contains(argument)).toList();
    }

    private static List<Path> aotFiles(Path dist) throws IOException {
        try (Stream<Path> files = Files.list(dist.resolve("lib/aot"))) {
            return files.filter(f -> !f.getFileName().toString().equals(".lock")).sorted().toList();
        }
    }

    /** The distribution's files, without its AOT cache. */
    private static Path copyOfDistribution(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path rel = from.relativize(f);
                if (rel.startsWith("lib/aot")) {
                    continue;
                }
                Path target = to.resolve(rel.toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }
}
