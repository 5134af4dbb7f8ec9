package org.uwsgi4j.plugin.alarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AlarmTest {

    private final BlockingQueue<String> log = new LinkedBlockingQueue<>();

    private String nextLine() throws InterruptedException {
        String l = log.poll(10, TimeUnit.SECONDS);
        if (l == null) {
            throw new AssertionError("no line logged");
        }
        return l;
    }

    @Test
    void aSlowActionNeverBlocksTheTriggerAndWhatItCouldNotTakeIsCountedAndReported() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        BlockingQueue<String> raised = new LinkedBlockingQueue<>();
        Alarm a = new Alarm(AlarmDefinitions.alarm("slow cmd:sleep"), 3, 8192, log::add);
        a.action(message -> {
            entered.countDown();
            release.await();
            raised.add(message);
        });
        AlarmThread t = new AlarmThread("test-alarm");
        a.runOn(t);
        t.start();
        try {
            a.trigger("m0", 0);
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            for (int i = 1; i <= 100; i++) { // the action is stuck: every trigger returns at once
                a.trigger("m" + i, i);
            }
            assertEquals(100 - AlarmThread.CAPACITY, a.status().dropped());
            release.countDown();
            assertEquals("[uwsgi-alarm] alarm slow dropped " + (100 - AlarmThread.CAPACITY) + " message(s): its action is too slow",
                    nextLine());
            for (int i = 0; i <= AlarmThread.CAPACITY; i++) {
                assertEquals("m" + i, raised.poll(10, TimeUnit.SECONDS));
            }
        } finally {
            t.stop();
        }
    }

    @Test
    void aFailingActionIsOneLineAndTheAlarmGoesOn() throws Exception {
        Alarm a = new Alarm(AlarmDefinitions.alarm("hook curl:http://h/"), 3, 8192, log::add);
        BlockingQueue<String> raised = new LinkedBlockingQueue<>();
        a.action(message -> {
            if (message.equals("bad")) {
                throw new java.io.IOException("request to http://h/ failed: Connection refused\nmore");
            }
            raised.add(message);
        });
        AlarmThread t = new AlarmThread("test-alarm");
        a.runOn(t);
        t.start();
        try {
            a.trigger("bad", 0);
            a.trigger("good", 0);
            assertEquals("[uwsgi-alarm-curl] alarm hook failed: request to http://h/ failed: Connection refused more", nextLine());
            assertEquals("good", raised.poll(10, TimeUnit.SECONDS));
            assertEquals(1, a.status().failed());
            assertEquals(2, a.status().raised());
        } finally {
            t.stop();
        }
    }

    @Test
    void anAppsBytesAreReadAsUtf8OrElseLatin1() {
        assertEquals("caf\u00e9", AlarmCall.text("caf\u00e9".getBytes(StandardCharsets.UTF_8)));
        assertEquals("caf\u00e9", AlarmCall.text(new byte[] {'c', 'a', 'f', (byte) 0xE9}));
    }
}
