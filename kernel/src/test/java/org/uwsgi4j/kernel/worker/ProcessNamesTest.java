package org.uwsgi4j.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.log.TestOptions;

/** uWSGI's process names: every --procname* option implies --auto-procname; the master's name and what hosts get. */
class ProcessNamesTest {

    @Test
    void noOptionNoNames() {
        ProcessNames n = ProcessNames.fromOptions(TestOptions.of("master", "true"));
        assertEquals(Optional.empty(), n.masterName());
        Map<String, String> env = new HashMap<>();
        n.addTo(env);
        assertEquals(Map.of(), env);
    }

    @Test
    void autoProcnameWithPrefixAndAppend() {
        ProcessNames n = ProcessNames.fromOptions(TestOptions.of("auto-procname", "true", "procname-prefix", "x-",
                "procname-append", "-app"));
        assertEquals(Optional.of("x-uWSGI master-app"), n.masterName());
        Map<String, String> env = new HashMap<>();
        n.addTo(env);
        assertEquals(Map.of("UWSGI4J_AUTO_PROCNAME", "1", "UWSGI4J_PROCNAME_PREFIX", "x-", "UWSGI4J_PROCNAME_APPEND", "-app",
                "UWSGI4J_PROCNAME", ""), env);
    }

    @Test
    void eachProcnameOptionImpliesAutoProcnameAsInUwsgi() {
        assertEquals(Optional.of("pp uWSGI master"), ProcessNames.fromOptions(TestOptions.of("procname-prefix-spaced", "pp")).masterName());
        assertEquals(Optional.of("uWSGI master!"), ProcessNames.fromOptions(TestOptions.of("procname-append", "!")).masterName());
        assertEquals(Optional.of("foo"), ProcessNames.fromOptions(TestOptions.of("procname", "foo")).masterName());
        assertEquals(Optional.of("boss"), ProcessNames.fromOptions(TestOptions.of("procname", "foo", "procname-master", "boss")).masterName());
        // the last prefix option given wins, as both set uWSGI's one prefix
        assertEquals(Optional.of("b-uWSGI master"),
                ProcessNames.fromOptions(TestOptions.of("procname-prefix-spaced", "a", "procname-prefix", "b-")).masterName());
    }
}
