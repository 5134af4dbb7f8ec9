package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./uwsgi4j}, the command at the repository's root, builds the distribution before it
 * runs it, and takes the build as done only when the distribution's files are there afterwards,
 * not because the build exited 0 (a broken {@code java} can exit 0 having built nothing). Played
 * with a copy of the command in a temp root, beside a stand-in {@code mvnw} (the build), on the
 * JDK the tests run on.
 */
class BuildCommandIT {

    @TempDir
    Path root;
    private Path dist;

    @BeforeEach
    void command() throws IOException {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        executable(root.resolve("uwsgi4j"), Files.readString(repo.resolve("uwsgi4j")));
        Path bin = Files.createDirectories(root.resolve("dist/src/main/dist/bin"));
        Files.copy(repo.resolve("dist/src/main/dist/bin/find-java.sh"), bin.resolve("find-java.sh"));
        dist = root.resolve("dist/target/uwsgi4j");
    }

    @Test
    void aBuildThatExitsZeroButMakesNothingIsNotTakenForDone() throws Exception {
        // the distribution of an earlier build is there; the sources are newer (no stamp)
        makeDistribution("echo old distribution");
        executable(root.resolve("mvnw"), "#!/bin/sh\necho build ran >> \"$(dirname \"$0\")/mvnw.log\"\nexit 0\n");
        for (int i = 1; i <= 2; i++) {
            Result r = run("--version");
            assertEquals(1, r.exit(), r.output());
            assertEquals("uwsgi4j: the build exited 0 but made no distribution (missing in " + dist + ": bin/uwsgi4j); output above",
                    r.output().strip().lines().toList().getLast());
            assertFalse(r.output().contains("old distribution"), "the old distribution is not run: " + r.output());
            assertFalse(Files.exists(dist.resolve(".built")), "not marked built");
            assertEquals(i, Files.readAllLines(root.resolve("mvnw.log")).size(), "so the next start builds again");
        }
    }

    @Test
    void aBuildThatMakesTheDistributionIsDoneAndItRuns() throws Exception {
        executable(root.resolve("mvnw"), """
                #!/bin/sh
                echo build ran >> "$(dirname "$0")/mvnw.log"
                d="$(dirname "$0")/dist/target/uwsgi4j"
                mkdir -p "$d/bin" "$d/lib/core" "$d/plugins"
                touch "$d/lib/launcher.jar" "$d/lib/core/kernel.jar"
                printf '#!/bin/sh\\necho "the distribution ran with $*"\\n' > "$d/bin/uwsgi4j"
                chmod 755 "$d/bin/uwsgi4j"
                """);
        for (int i = 0; i < 2; i++) {
            Result r = run("--version");
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("the distribution ran with --version"), r.output());
        }
        assertTrue(Files.exists(dist.resolve(".built")));
        assertEquals(List.of("build ran"), Files.readAllLines(root.resolve("mvnw.log")), "built once, then up to date");
    }

    /** An old distribution: its files, its start script saying {@code script}. */
    private void makeDistribution(String script) throws IOException {
        Files.createDirectories(dist.resolve("lib/core"));
        Files.createDirectories(dist.resolve("plugins"));
        Files.createFile(dist.resolve("lib/launcher.jar"));
        Files.createFile(dist.resolve("lib/core/kernel.jar"));
        executable(Files.createDirectories(dist.resolve("bin")).resolve("uwsgi4j"), "#!/bin/sh\n" + script + "\n");
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    record Result(int exit, String output) {
    }

    private Result run(String... args) throws Exception {
        var command = new java.util.ArrayList<>(List.of(root.resolve("uwsgi4j").toString()));
        command.addAll(List.of(args));
        var pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "./uwsgi4j did not end");
        return new Result(p.exitValue(), out);
    }
}
