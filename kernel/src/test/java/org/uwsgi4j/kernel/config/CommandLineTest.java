package org.uwsgi4j.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.uwsgi4j.kernel.config.TestConfigs.lines;
import static org.uwsgi4j.kernel.config.TestConfigs.load;
import static org.uwsgi4j.kernel.config.TestConfigs.write;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {

    @TempDir
    Path dir;

    @Test
    void longOptionsWithSeparateAndInlineValuesAndFlags() throws Exception {
        var config = load(dir, "--socket", ":3031", "--http-socket=:8080", "--master", "--processes", "4");
        assertEquals(List.of("socket = :3031", "http-socket = :8080", "master = true", "processes = 4"), lines(config));
    }

    @Test
    void shortOptionsAsUwsgiDefinesThem() throws Exception {
        var config = load(dir, "-s", ":3031", "-p4", "-MT", "-t", "30", "-L", "-b", "8192", "-w", "app:application", "-H", "/venv");
        assertEquals(List.of("socket = :3031", "processes = 4", "master = true", "enable-threads = true",
                "harakiri = 30", "disable-logging = true", "buffer-size = 8192", "module = app:application", "home = /venv"),
                lines(config));
    }

    @Test
    void aliasesKeepTheirSpellingButBindToTheCanonicalOption() throws Exception {
        var config = load(dir, "--workers", "3", "--uwsgi-socket", ":1");
        assertEquals(List.of("workers = 3", "uwsgi-socket = :1"), lines(config));
        assertEquals("3", config.value("processes").orElseThrow());
        assertEquals(List.of(":1"), config.values("socket"));
    }

    @Test
    void uniquePrefixOfALongOptionIsAccepted() throws Exception {
        assertEquals(List.of("harakiri-verbose = true"), lines(load(dir, "--harakiri-v")));
    }

    @Test
    void ambiguousPrefixIsAnError() {
        var e = assertThrows(ConfigException.class, () -> load(dir, "--harak", "3"));
        assertEquals("command line: option '--harak' is ambiguous; possibilities: '--harakiri' '--harakiri-verbose'", e.getMessage());
    }

    @Test
    void unknownLongOptionIsRejectedAsUwsgiDoes() {
        var e = assertThrows(ConfigException.class, () -> load(dir, "--no-such-option=1"));
        assertEquals("command line: unrecognized option '--no-such-option'", e.getMessage());
    }

    @Test
    void unknownShortOptionIsRejected() {
        var e = assertThrows(ConfigException.class, () -> load(dir, "-Z"));
        assertEquals("command line: invalid option -- 'Z'", e.getMessage());
    }

    @Test
    void flagGivenAValueIsRejected() {
        var e = assertThrows(ConfigException.class, () -> load(dir, "--master=false"));
        assertEquals("command line: option '--master' doesn't allow an argument", e.getMessage());
    }

    @Test
    void missingRequiredValueIsRejected() {
        assertEquals("command line: option '--socket' requires an argument",
                assertThrows(ConfigException.class, () -> load(dir, "--socket")).getMessage());
        assertEquals("command line: option requires an argument -- 's'",
                assertThrows(ConfigException.class, () -> load(dir, "-s")).getMessage());
    }

    @Test
    void optionalValueOnlyInline() throws Exception {
        assertEquals(List.of("chmod-socket = true", "chmod-socket = 660"), lines(load(dir, "--chmod-socket", "--chmod-socket=660")));
    }

    @Test
    void bareConfigFileIsLoadedAfterAllOptionsWithoutAnIniEntry() throws Exception {
        write(dir, "app.ini", "[uwsgi]\nprocesses = 2\n");
        var config = load(dir, "app.ini", "--processes", "8");
        assertEquals(List.of("processes = 8", "processes = 2"), lines(config));
        assertEquals("2", config.value("processes").orElseThrow());
    }

    @Test
    void argumentsAfterDoubleDashAreFiles() throws Exception {
        write(dir, "-odd.ini", "[uwsgi]\nmaster = true\n");
        assertEquals(List.of("master = true"), lines(load(dir, "--", "-odd.ini")));
    }

    @Test
    void bareArgumentThatIsNoConfigFileIsAnError() {
        var e = assertThrows(ConfigException.class, () -> load(dir, "app.py"));
        assertEquals("command line: unable to load configuration from app.py", e.getMessage());
    }

    @Test
    void environmentComesFirstSortedAndDashed() throws Exception {
        var env = Map.of("UWSGI_PROCESSES", "3", "UWSGI_HTTP_SOCKET", ":80", "HOME", "/root",
                "UWSGI_RELOADS", "0", "UWSGI_ORIGINAL_PROC_NAME", "uwsgi");
        var config = TestConfigs.loader(dir, env).load(List.of("--processes", "5"));
        assertEquals(List.of("http-socket = :80", "processes = 3", "processes = 5"), lines(config));
        assertEquals("5", config.value("processes").orElseThrow());
        assertEquals(Origin.ENVIRONMENT, config.list().getFirst().origin());
        assertEquals(Origin.COMMAND_LINE, config.list().getLast().origin());
    }

    @Test
    void commandLineLogicWorksToo() throws Exception {
        var config = load(dir, "--for", "3031 3032", "--socket", "127.0.0.1:%(_)", "--endfor", "--module", "hello");
        assertEquals(List.of("for = 3031 3032", "socket = 127.0.0.1:3031", "socket = 127.0.0.1:3032",
                "endfor = true", "module = hello"), lines(config));
    }
}
