package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * plugin-cron end to end on the test's clock ({@link TestClock}: a bundle replaces the
 * {@code WallClock} service, so no test waits a real minute): a command through
 * {@code /bin/sh -c} in the {@code --chdir} directory with {@code --env} and {@code --unenv}, its output and uWSGI's
 * lines in the log; a curl cron against a local HTTP endpoint; a fixed minute; and the tasks
 * stop when the plugin is uninstalled at run time.
 */
class CronIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path cwd;

    @Test
    void commandsAndUrlsRunInTheirMinuteAndStopWhenThePluginIsUninstalled() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/tick", ex -> {
            hits.incrementAndGet();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        endpoint.start();
        TestClock clock = new TestClock(cwd, Instant.parse("2026-01-07T10:00:30Z"));
        Path work = Files.createDirectory(cwd.resolve("work"));
        String url = "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/tick";
        try (var server = UwsgiProcess.start(cwd, concat(clock.options(), "--plugin", "echo", "--http-socket", "127.0.0.1:0",
                "--http-socket-modifier1", "101", "--shell-socket", cwd.resolve("shell.sock").toString(),
                "--chdir", work.toString(), "--env", "CRON_IT=from-env", "--env", "CRON_GONE=set", "--unenv", "CRON_GONE", "--unenv", "HOME",
                "--cron", "-1 -1 -1 -1 -1 echo every-$((40+2))-$CRON_IT-$(basename \"$PWD\")-${CRON_GONE:-unset}-${HOME:-nohome}",
                "--cron", "5 -1 -1 -1 -1 echo at-five", "--curl-cron", "-1 -1 -1 -1 -1 " + url,
                "--legion-cron", "mylegion -1 -1 -1 -1 -1 echo legion-ran"))) {
            Shell shell = new Shell(cwd, server.awaitShell());
            server.awaitLine("\\[uwsgi-cron\\] command \"echo at-five\" registered as cron task", WAIT);
            server.awaitLine("\\[uwsgi-cron\\] running \"echo every-.*\" \\(pid \\d+\\)", WAIT);
            server.awaitLine("every-42-from-env-work-unset-nohome", WAIT);
            server.awaitLine("\\[uwsgi-cron\\] command \"echo every-.*\" running with pid \\d+ exited after \\d+ second\\(s\\)", WAIT);
            server.awaitLine("\\[uwsgi-curl-cron\\] " + Pattern.quote(url) + " answered HTTP 204", WAIT);
            assertEquals(1, hits.get());

            clock.set(Instant.parse("2026-01-07T10:01:00Z"));
            awaitCount(server, "every-42-from-env-work-unset-nohome", 2);
            awaitCount(server, "\\[uwsgi-curl-cron\\] .* answered HTTP 204", 2);
            assertFalse(server.output().contains("at-five\n"), server.output());

            clock.set(Instant.parse("2026-01-07T10:05:10Z"));
            server.awaitLine("at-five", WAIT);
            awaitCount(server, "every-42-from-env-work-unset-nohome", 3); // once in each of 10:00, 10:01, 10:05
            String cron = shell.run("uwsgi:cron").output();
            assertTrue(cron.contains("echo at-five") && cron.contains("2026-01-07 11:05"), cron);

            String id = shell.run("lb").lines().stream().filter(l -> l.contains("plugin-cron")).findFirst().orElseThrow()
                    .strip().split("\\|")[0].strip();
            awaitCount(server, "\\[uwsgi-curl-cron\\] .* answered HTTP 204", 3);
            var uninstalled = shell.run("uninstall " + id);
            assertEquals(0, uninstalled.exitCode(), uninstalled.output());
            int before = hits.get();
            clock.set(Instant.parse("2026-01-07T10:06:00Z"));
            Thread.sleep(1000); // an absence cannot be awaited: 50 looks of the cron's loop on the test's clock
            assertEquals(3, count(server, "every-42-from-env-work-unset-nohome"), server.output());
            assertEquals(before, hits.get());
            assertTrue(server.isAlive());
            assertEquals(1, count(server, "\\[uwsgi-cron\\] no legion \"mylegion\" exists \\(no legion plugin\\): its cron tasks do not run"),
                    "logged once, though due in three minutes");
            assertFalse(server.output().contains("legion-ran\n"), "no lord, no run");
        } finally {
            endpoint.stop(0);
        }
    }

    static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    static long count(UwsgiProcess server, String regex) {
        Pattern p = Pattern.compile(regex);
        return server.output().lines().filter(l -> p.matcher(l).matches()).count();
    }

    /** Waits (bounded) until {@code regex} matched {@code n} lines of the server's output. */
    static void awaitCount(UwsgiProcess server, String regex, int n) throws InterruptedException {
        for (long deadline = System.nanoTime() + WAIT.toNanos(); count(server, regex) < n; ) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(n + " lines matching " + regex + " never came:\n" + server.output());
            }
            Thread.sleep(20); // polling the log, bounded by the deadline
        }
    }
}
