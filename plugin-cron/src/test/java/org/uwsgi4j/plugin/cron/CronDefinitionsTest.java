package org.uwsgi4j.plugin.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.api.Options;

class CronDefinitionsTest {

    private static Options options(String... pairs) {
        return new Options() {
            @Override
            public List<Map.Entry<String, String>> entries() {
                List<Map.Entry<String, String>> all = new java.util.ArrayList<>();
                for (int i = 0; i < pairs.length; i += 2) {
                    all.add(new AbstractMap.SimpleEntry<>(pairs[i], pairs[i + 1]));
                }
                return all;
            }

            @Override
            public Optional<String> value(String name) {
                List<String> v = values(name);
                return v.isEmpty() ? Optional.empty() : Optional.of(v.getLast());
            }

            @Override
            public List<String> values(String name) {
                return entries().stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).toList();
            }

            @Override
            public boolean isTrue(String name) {
                return false;
            }
        };
    }

    @Test
    void cronUniqueCurlAndLegionFormsAndTheDefaultHarakiri() {
        List<CronTask> tasks = CronDefinitions.from(options("cron", "-1 -1 -1 -1 -1 echo hi  there", "unique-cron", "5 4 -1 -1 -1 sleep 9",
                "curl-cron", "0 -1 -1 -1 -1 http://127.0.0.1/x", "legion-cron", "mylegion -1 -1 -1 -1 -1 date", "cron-harakiri", "30"));
        assertEquals(new CronTask(CronSchedule.EVERY_MINUTE, CronTask.Kind.COMMAND, "echo hi  there", false, 30, null), tasks.get(0));
        assertEquals(new CronTask(new CronSchedule(5, 4, -1, -1, -1), CronTask.Kind.COMMAND, "sleep 9", true, 30, null), tasks.get(1));
        assertEquals(new CronTask(new CronSchedule(0, -1, -1, -1, -1), CronTask.Kind.CURL, "http://127.0.0.1/x", false, 0, null), tasks.get(2));
        assertEquals(new CronTask(CronSchedule.EVERY_MINUTE, CronTask.Kind.COMMAND, "date", false, 30, "mylegion"), tasks.get(3));
    }

    @Test
    void uniqueLegionCronAndLegionCurlCronKeepTheirLegionAndKind() {
        List<CronTask> tasks = CronDefinitions.from(options("unique-legion-cron", "l1 5 -1 -1 -1 -1 sleep 9",
                "legion-curl-cron", "l2 -1 -1 -1 -1 -1 http://127.0.0.1/y", "cron-harakiri", "30"));
        assertEquals(new CronTask(new CronSchedule(5, -1, -1, -1, -1), CronTask.Kind.COMMAND, "sleep 9", true, 30, "l1"), tasks.get(0));
        assertEquals(new CronTask(CronSchedule.EVERY_MINUTE, CronTask.Kind.CURL, "http://127.0.0.1/y", false, 0, "l2"), tasks.get(1));
    }

    @Test
    void cron2KeysDefaultToAnyAndHarakiriZeroTurnsTheDefaultOff() {
        assertEquals(new CronTask(new CronSchedule(-1, 3, -1, -1, 1), CronTask.Kind.COMMAND, "backup --all", true, 20, "l"),
                CronDefinitions.cron2("hour=3,week=1,unique=1,harakiri=20,legion=l backup --all", 0));
        assertEquals(-1, CronDefinitions.cron2("minute=0,harakiri=0 x", 30).harakiri());
        assertEquals(30, CronDefinitions.cron2("minute=0 x", 30).harakiri());
        assertEquals(new CronTask(CronSchedule.EVERY_MINUTE, CronTask.Kind.COMMAND, "just a command", false, 0, null),
                CronDefinitions.cron2("just a command", 0));
    }

    @Test
    void timerAndFileSignalOptionsAddToTheSignals() {
        List<String> added = new java.util.ArrayList<>();
        org.uwsgi4j.kernel.api.Signals signals = new org.uwsgi4j.kernel.api.Signals() {
            @Override
            public void raise(int signum) {
            }

            @Override
            public Source addTimer(int signum, int seconds, int iterations) {
                added.add("timer " + signum + " " + seconds);
                return () -> added.add("closed timer " + signum);
            }

            @Override
            public Source addFileMonitor(int signum, String path) {
                added.add("monitor " + signum + " " + path);
                return () -> { };
            }

            @Override
            public boolean registered(int signum) {
                return false;
            }

            @Override
            public List<Registration> registrations() {
                return List.of();
            }
        };
        var sources = CronDefinitions.signals(options("signal-timer", "17 5", "signal-rbtimer", " 18  60 ", "fs-signal", "/etc/app 3",
                "touch-signal", "/tmp/x 4"), signals);
        assertEquals(List.of("timer 17 5", "timer 18 60", "monitor 3 /etc/app", "monitor 4 /tmp/x"), added);
        sources.getFirst().close();
        assertEquals("closed timer 17", added.getLast());
        assertEquals("--signal-timer '300 5': signal 300 out of range (0-255)",
                assertThrows(IllegalArgumentException.class, () -> CronDefinitions.signals(options("signal-timer", "300 5"), signals)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> CronDefinitions.signals(options("signal-timer", "1 0"), signals));
        assertThrows(IllegalArgumentException.class, () -> CronDefinitions.signals(options("fs-signal", "/etc/app"), signals));
        assertThrows(IllegalArgumentException.class, () -> CronDefinitions.signals(options("touch-signal", "/tmp/x four"), signals));
    }

    @Test
    void badValuesAreOneLineNamingTheOption() {
        assertEquals("--cron '* * * * * date': invalid cron syntax ('*' is no number; uWSGI writes -1 for any and -N for every N)",
                assertThrows(IllegalArgumentException.class, () -> CronDefinitions.from(options("cron", "* * * * * date"))).getMessage());
        assertEquals("--cron '61 -1 -1 -1 -1 date': minute 61 out of range (0-59, or -N)",
                assertThrows(IllegalArgumentException.class, () -> CronDefinitions.from(options("cron", "61 -1 -1 -1 -1 date"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> CronDefinitions.from(options("cron", "-1 -1 -1 -1 -1")));
        assertThrows(IllegalArgumentException.class, () -> CronDefinitions.from(options("cron2", "minute=1")));
        assertThrows(IllegalArgumentException.class, () -> CronDefinitions.from(options("cron2", "when=1 x")));
        assertThrows(IllegalArgumentException.class, () -> CronDefinitions.from(options("legion-cron", "nolegion")));
    }
}
