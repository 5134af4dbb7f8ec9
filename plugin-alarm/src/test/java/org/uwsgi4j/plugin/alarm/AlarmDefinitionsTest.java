package org.uwsgi4j.plugin.alarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlarmDefinitionsTest {

    private static final Set<String> NAMES = Set.of("mail", "page", "oom");

    @Test
    void anAlarmIsNameTypeAndEverythingAfterTheFirstColon() {
        var d = AlarmDefinitions.alarm("mailme cmd:mail -s 'uWSGI alarm: x' admin@example.com");
        assertEquals("mailme", d.name());
        assertEquals("cmd", d.type());
        assertEquals("mail -s 'uWSGI alarm: x' admin@example.com", d.args());
        var curl = AlarmDefinitions.alarm("hook curl:http://127.0.0.1:8080/x;method=PUT");
        assertEquals("curl", curl.type());
        assertEquals("http://127.0.0.1:8080/x;method=PUT", curl.args());
        assertEquals("", AlarmDefinitions.alarm("l log:").args());
    }

    @Test
    void aBadAlarmIsOneLineInUwsgisWords() {
        for (String bad : List.of("nospace", "name nocolon", " :x", "name :args")) {
            var e = assertThrows(IllegalArgumentException.class, () -> AlarmDefinitions.alarm(bad));
            assertTrue(e.getMessage().startsWith("invalid alarm syntax: "), e.getMessage());
        }
        var twice = assertThrows(IllegalArgumentException.class,
                () -> AlarmDefinitions.alarms(new TestOptions("alarm", "a log:x", "alarm", "a cmd:true")));
        assertEquals("invalid alarm: a cmd:true (an alarm named \"a\" exists already)", twice.getMessage());
    }

    @Test
    void logRulesKeepTheOptionsOrderAndTheirNames() {
        var rules = AlarmDefinitions.logRules(new TestOptions("log-alarm", "mail,page HARAKIRI ON WORKER",
                "not-log-alarm", "page ^ignored", "socket", ":80", "log-alarm", "oom  out of memory"), NAMES);
        assertEquals(3, rules.size());
        assertEquals(List.of("mail", "page"), rules.get(0).alarms());
        assertEquals("HARAKIRI ON WORKER", rules.get(0).pattern().pattern());
        assertTrue(rules.get(1).negate());
        assertEquals("out of memory", rules.get(2).pattern().pattern());
    }

    @Test
    void aLogRuleNamingNoAlarmOrWithABadRegexpIsRefused() {
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> AlarmDefinitions.logRule("log-alarm", "mail,nope x", false, NAMES));
        assertEquals("invalid log-alarm: mail,nope x (no alarm named \"nope\")", unknown.getMessage());
        var regexp = assertThrows(IllegalArgumentException.class,
                () -> AlarmDefinitions.logRule("log-alarm", "mail (unclosed", false, NAMES));
        assertTrue(regexp.getMessage().startsWith("invalid log-alarm: mail (unclosed (regexp: Unclosed group"), regexp.getMessage());
        var syntax = assertThrows(IllegalArgumentException.class,
                () -> AlarmDefinitions.logRule("not-log-alarm", "mail", true, NAMES));
        assertEquals("invalid not-log-alarm syntax: mail (expected NAME[,NAME...] REGEXP)", syntax.getMessage());
    }

    @Test
    void anFdTriggerReadsOneByteUnlessTold() {
        var seed = AlarmDefinitions.fd("oom 7:8 OUT OF MEMORY !!!", NAMES);
        assertEquals(new AlarmDefinitions.FdTrigger("oom", 7, 8, "OUT OF MEMORY !!!"), seed);
        assertEquals(1, AlarmDefinitions.fd("oom 9 readable", NAMES).bytes());
        for (String bad : List.of("oom 9", "oom x msg", "oom 9:y msg", "oom -1 msg")) {
            var e = assertThrows(IllegalArgumentException.class, () -> AlarmDefinitions.fd(bad, NAMES));
            assertTrue(e.getMessage().startsWith("invalid alarm-fd syntax: " + bad), e.getMessage());
        }
        var unknown = assertThrows(IllegalArgumentException.class, () -> AlarmDefinitions.fd("nope 9 x", NAMES));
        assertEquals("unable to find alarm \"nope\" (--alarm-fd nope 9 x)", unknown.getMessage());
    }

    @Test
    void backlogAndSegfaultNameExistingAlarms() {
        var o = new TestOptions("alarm-backlog", "mail", "alarm-backlog", "mail", "alarm-segfault", "nope");
        assertEquals(List.of("mail"), AlarmDefinitions.names(o, "alarm-backlog", NAMES));
        var e = assertThrows(IllegalArgumentException.class, () -> AlarmDefinitions.names(o, "alarm-segfault", NAMES));
        assertEquals("unable to find alarm \"nope\" (--alarm-segfault)", e.getMessage());
    }
}
