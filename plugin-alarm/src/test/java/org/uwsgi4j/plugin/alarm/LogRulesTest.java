package org.uwsgi4j.plugin.alarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LogRulesTest {

    private static final Set<String> NAMES = Set.of("mail", "page");

    private static LogRules rules(String... pairs) {
        return new LogRules(AlarmDefinitions.logRules(new TestOptions(pairs), NAMES));
    }

    @Test
    void aMatchAnywhereInTheLineRaisesTheRulesAlarmsInOrder() {
        LogRules r = rules("log-alarm", "mail,page HARAKIRI", "log-alarm", "page ^DAMN");
        assertEquals(List.of("mail", "page"), r.alarmsFor("*** HARAKIRI ON WORKER 1 (pid: 42, try: 1) ***"));
        assertEquals(List.of("page"), r.alarmsFor("DAMN ! worker 1 (pid: 42) died"));
        assertEquals(List.of(), r.alarmsFor("worker DAMN")); // anchored
        assertEquals(List.of(), r.alarmsFor("all is well"));
    }

    @Test
    void aMatchingExceptionStopsTheRulesAfterItAsInUwsgi() {
        LogRules r = rules("not-log-alarm", "mail healthcheck", "log-alarm", "mail,page ERROR");
        assertEquals(List.of(), r.alarmsFor("ERROR in /healthcheck"));
        assertEquals(List.of("mail", "page"), r.alarmsFor("ERROR in /orders"));
        // an exception after a rule does not undo it (uWSGI checks in order)
        LogRules late = rules("log-alarm", "mail ERROR", "not-log-alarm", "page healthcheck", "log-alarm", "page ERROR");
        assertEquals(List.of("mail"), late.alarmsFor("ERROR in /healthcheck"));
        assertEquals(List.of("mail", "page"), late.alarmsFor("ERROR in /orders"));
    }

    @Test
    void thePluginsOwnLinesRaiseNothing() {
        LogRules r = rules("log-alarm", "mail .");
        assertEquals(List.of(), r.alarmsFor("[uwsgi-alarm-curl] alarm mail failed: ERROR"));
        assertEquals(List.of("mail"), r.alarmsFor("x [uwsgi-alarm"));
    }
}
