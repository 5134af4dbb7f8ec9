package org.uwsgi4j.kernel.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The attached daemons' forms: --attach-daemon2's keyval list, --smart-attach-daemon(2)'s PIDFILE[,FREQ] COMMAND. */
class DaemonSpecTest {

    @Test
    void keyvalListSplitsAtUnescapedCommasAndTheFirstEquals() {
        assertEquals(Map.of("cmd", "echo a,b=c", "freq", "3"), DaemonSpec.parse("cmd=echo a\\,b=c,freq=3"));
        assertEquals(Map.of("cmd", "x"), DaemonSpec.parse("cmd=x,"));
    }

    @Test
    void everyKeyOfAttachDaemon2() {
        DaemonSpec d = DaemonSpec.keyval("exec=memcached -p 1,pidfile=/run/m.pid,freq=5,daemonize=1,touch=/a;/b,stopsignal=3,"
                + "reload_signal=10,stdin=1,uid=1000,gid=1001,chdir=/srv,max_throttle=7,notifypid=1");
        assertEquals("memcached -p 1", d.command());
        assertEquals(Optional.of(Path.of("/run/m.pid")), d.pidfile());
        assertEquals(5, d.freq());
        assertTrue(d.daemonize() && d.smart() && d.stdin() && d.notifyPid());
        assertFalse(d.control());
        assertEquals(List.of(Path.of("/a"), Path.of("/b")), d.touch());
        assertEquals(3, d.stopSignal());
        assertEquals(10, d.reloadSignal());
        assertEquals(OptionalInt.of(1000), d.uid());
        assertEquals(OptionalInt.of(1001), d.gid());
        assertEquals(Optional.of(Path.of("/srv")), d.chdir());
        assertEquals(7, d.maxThrottle());
    }

    @Test
    void attachDaemon2DefaultsAreUwsgis() {
        DaemonSpec d = DaemonSpec.keyval("command=sleep 9,control=1");
        assertTrue(d.control());
        assertFalse(d.smart() || d.daemonize() || d.stdin());
        assertEquals(15, d.stopSignal());
        assertEquals(0, d.reloadSignal());
        assertEquals(10, d.freq());
        assertEquals(300, d.maxThrottle());
        assertEquals(OptionalInt.empty(), DaemonSpec.keyval("cmd=x,uid=0").uid()); // uWSGI: 0 keeps the server's
    }

    @Test
    void badKeyvalValuesAreRefusedInOneLine() {
        assertRefused("--attach-daemon2 'cmd=x,legion=a': unknown key 'legion' (known: command, cmd, exec, freq, pidfile, control, "
                + "daemonize, daemon, touch, stopsignal, stop_signal, reloadsignal, reload_signal, stdin, uid, gid, chdir, max_throttle, notifypid)",
                "cmd=x,legion=a");
        assertRefused("--attach-daemon2 'cmd=x,ns_pid=1': ns_pid (a new pid namespace) is not supported", "cmd=x,ns_pid=1");
        assertRefused("--attach-daemon2 'freq=3': you need to specify a 'command' key", "freq=3");
        assertRefused("--attach-daemon2 'cmd=x,daemonize=1': daemonize needs a pidfile key (the master writes the daemon's pid there)",
                "cmd=x,daemonize=1");
        assertRefused("--attach-daemon2 'cmd=x,stopsignal=TERM': stopsignal must be a signal number (1-64), not 'TERM'", "cmd=x,stopsignal=TERM");
        assertRefused("--attach-daemon2 'cmd=x,freq=0': freq must be a number > 0, not '0'", "cmd=x,freq=0");
        assertRefused("--attach-daemon2 'cmd=x,uid=bob': uid must be a numeric id, not 'bob'", "cmd=x,uid=bob");
        assertRefused("--attach-daemon2 'sleep 1': invalid keyval syntax at 'sleep 1' (expected KEY=VALUE)", "sleep 1");
    }

    @Test
    void smartFormsTakeAFreqAfterThePidfile() {
        DaemonSpec d = DaemonSpec.smart("--smart-attach-daemon2", "/run/x.pid,4 redis-server", true);
        assertEquals(Optional.of(Path.of("/run/x.pid")), d.pidfile());
        assertEquals(4, d.freq());
        assertEquals("redis-server", d.command());
        assertTrue(d.daemonize());
        assertFalse(DaemonSpec.smart("--smart-attach-daemon", "/run/x.pid memcached -d", false).daemonize());
        var e = assertThrows(IllegalArgumentException.class, () -> DaemonSpec.smart("--smart-attach-daemon2", "/run/x.pid", true));
        assertEquals("invalid --smart-attach-daemon2 syntax: /run/x.pid (expected PIDFILE COMMAND)", e.getMessage());
    }

    private static void assertRefused(String message, String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> DaemonSpec.keyval(value));
        assertEquals(message, e.getMessage());
    }
}
