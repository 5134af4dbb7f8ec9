package org.uwsgi4j.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.uwsgi4j.kernel.config.TestConfigs.lines;
import static org.uwsgi4j.kernel.config.TestConfigs.write;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogicTest {

    @TempDir
    Path dir;

    private List<String> ini(String body) throws Exception {
        return ini(body, Map.of(), TestConfigs.HOST);
    }

    private List<String> ini(String body, Map<String, String> env, HostFacts host) throws Exception {
        write(dir, "l.ini", "[uwsgi]\n" + body);
        return lines(new ConfigLoader(TestConfigs.catalog(), env, dir, host).load(List.of("l.ini")));
    }

    @Test
    void forIteratesEachLineOfTheBody() throws Exception {
        assertEquals(List.of("for = a b", "socket = /var/run/a.socket", "socket = /var/run/b.socket",
                "http-socket = /var/run/a-http.socket", "http-socket = /var/run/b-http.socket", "endfor = ").stream().sorted().toList(),
                ini("for = a b\nsocket = /var/run/%(_).socket\nhttp-socket = /var/run/%(_)-http.socket\nendfor =\n").stream().sorted().toList());
        assertEquals(List.of("for = a  b", "x = a", "y = a", "x = b", "y = b", "end-for = "),
                ini("for = a  b\nx = %(_)\ny = %(_)\nend-for =\n"));
    }

    @Test
    void forTimesCountsFromOne() throws Exception {
        assertEquals(List.of("for-times = 3", "n = 1", "n = 2", "n = 3", "endfor = "), ini("for-times = 3\nn = %(_)\nendfor =\n"));
    }

    @Test
    void forGlobSortsMarksDirectoriesAndKeepsAPatternWithoutMatches() throws Exception {
        write(dir, "vassals/b.ini", "");
        write(dir, "vassals/a.ini", "");
        write(dir, "vassals/.hidden.ini", "");
        Files.createDirectories(dir.resolve("vassals/sub.ini"));
        assertEquals(List.of("for-glob = vassals/*.ini", "v = vassals/a.ini", "v = vassals/b.ini", "v = vassals/sub.ini/", "endfor = "),
                ini("for-glob = vassals/*.ini\nv = %(_)\nendfor =\n"));
        assertEquals(List.of("for-glob = none/*.x", "v = none/*.x", "endfor = "), ini("for-glob = none/*.x\nv = %(_)\nendfor =\n"));
    }

    @Test
    void forReadlineIteratesLines() throws Exception {
        write(dir, "vars.txt", "A=1\nB=2\n");
        assertEquals(List.of("for-readline = vars.txt", "env = A=1", "env = B=2", "endfor = "), ini("for-readline = vars.txt\nenv = %(_)\nendfor =\n"));
        var e = assertThrows(ConfigException.class, () -> ini("for-readline = nope.txt\nenv = %(_)\nendfor =\n"));
        assertEquals("l.ini:2: option 'for-readline': cannot read 'nope.txt'", e.getMessage());
    }

    @Test
    void ifEnvPresentAndWithValue() throws Exception {
        var env = Map.of("STAGE", "prod");
        assertEquals(List.of("if-env = STAGE", "stage = prod", "endif = "), ini("if-env = STAGE\nstage = %(_)\nendif =\n", env, TestConfigs.HOST));
        assertEquals(List.of("if-env = STAGE=dev", "endif = "), ini("if-env = STAGE=dev\nx = 1\nendif =\n", env, TestConfigs.HOST));
        assertEquals(List.of("if-not-env = STAGE=dev", "stage = prod", "endif = "), ini("if-not-env = STAGE=dev\nstage = %(_)\nendif =\n", env, TestConfigs.HOST));
        assertEquals(List.of("if-not-env = NOPE", "v = %(_)", "endif = "), ini("if-not-env = NOPE\nv = %(_)\nendif =\n"));
    }

    @Test
    void ifOptSeesOptionsSetBefore() throws Exception {
        assertEquals(List.of("socket = :1", "if-opt = socket", "s = :1", "endif = ", "if-opt = socket=:2", "endif = ",
                "if-not-opt = master", "master = true", "end-if = ", "if-not-opt = socket", "endif = "),
                ini("socket = :1\nif-opt = socket\ns = %(_)\nendif =\nif-opt = socket=:2\nno = 1\nendif =\n"
                        + "if-not-opt = master\nmaster = true\nend-if =\nif-not-opt = socket\nno = 2\nendif =\n"));
    }

    @Test
    void ifExistsFileAndDirectory() throws Exception {
        write(dir, "here.txt", "");
        Files.createDirectories(dir.resolve("adir"));
        assertEquals(List.of("if-exists = here.txt", "a = here.txt", "endif = ", "if-not-exists = gone", "b = gone", "endif = ",
                        "if-file = here.txt", "c = here.txt", "endif = ", "if-file = adir", "endif = ", "if-not-file = adir", "d = adir", "endif = ",
                        "if-dir = adir", "e = adir", "endif = ", "if-not-dir = here.txt", "f = here.txt", "endif = ", "if-dir = here.txt", "endif = "),
                ini("if-exists = here.txt\na = %(_)\nendif =\nif-not-exists = gone\nb = %(_)\nendif =\n"
                        + "if-file = here.txt\nc = %(_)\nendif =\nif-file = adir\nno = 1\nendif =\nif-not-file = adir\nd = %(_)\nendif =\n"
                        + "if-dir = adir\ne = %(_)\nendif =\nif-not-dir = here.txt\nf = %(_)\nendif =\nif-dir = here.txt\nno = 2\nendif =\n"));
    }

    @Test
    void ifReloadFollowsTheHostFacts() throws Exception {
        var body = "if-reload =\nr = yes\nendif =\nif-not-reload =\nfirst = yes\nendif =\n";
        assertEquals(List.of("if-reload = ", "endif = ", "if-not-reload = ", "first = yes", "endif = "), ini(body));
        var reloading = new HostFacts("testhost", "9.9.9", 3, "1000", "alice", "100", "staff", 0, true);
        assertEquals(List.of("if-reload = ", "r = yes", "endif = ", "if-not-reload = ", "endif = "), ini(body, Map.of(), reloading));
        assertEquals(true, ConfigLoader.isReload(Map.of("UWSGI_RELOADS", "2")));
        assertEquals(false, ConfigLoader.isReload(Map.of("UWSGI_RELOADS", "0")));
    }

    @Test
    void endClosesTheInnermostForOrIfBlock() throws Exception {
        assertEquals(List.of("for = a b", "x = a", "x = b", "end = ", "if-env = HOME", "h = 1", "end = "),
                ini("for = a b\nx = %(_)\nend =\nif-env = HOME\nh = 1\nend =\n", Map.of("HOME", "/root"), TestConfigs.HOST));
    }

    @Test
    void ifHostname() throws Exception {
        assertEquals(List.of("if-hostname = testhost", "h = testhost", "endif = ", "if-hostname-match = ^test", "m = 1", "endif = ",
                        "if-not-hostname = testhost", "endif = ", "if-not-hostname-match = ^prod", "n = 1", "endif = ",
                        "if-not-hostname-match = ^test", "endif = "),
                ini("if-hostname = testhost\nh = %(_)\nendif =\nif-hostname-match = ^test\nm = 1\nendif =\nif-not-hostname = testhost\nno = 1\nendif =\n"
                        + "if-not-hostname-match = ^prod\nn = 1\nendif =\nif-not-hostname-match = ^test\nnm = 1\nendif =\n"));
    }

    @Test
    void nestedBlocksEachSeeTheirOwnUnderscore() throws Exception {
        write(dir, "exists.txt", "");
        assertEquals(List.of("for = a b", "for = 1 2", "s = 1", "s = 2", "endfor = ", "if-exists = exists.txt", "f = exists.txt", "endif = ",
                        "for = 1 2", "s = 1", "s = 2", "endfor = ", "if-exists = exists.txt", "f = exists.txt", "endif = ", "endfor = "),
                ini("for = a b\nfor = 1 2\ns = %(_)\nendfor =\nif-exists = exists.txt\nf = %(_)\nendif =\nendfor =\n"));
        assertEquals(List.of("for = a b", "for = a1 a2", "s = a1", "s = a2", "endfor = ", "for = b1 b2", "s = b1", "s = b2", "endfor = ", "endfor = "),
                ini("for = a b\nfor = %(_)1 %(_)2\ns = %(_)\nendfor =\nendfor =\n"));
    }

    @Test
    void ifNotEnvInsideForKeepsTheLoopValue() throws Exception {
        assertEquals(List.of("for = a", "if-not-env = NOPE", "v = a", "endif = ", "endfor = "),
                ini("for = a\nif-not-env = NOPE\nv = %(_)\nendif =\nendfor =\n"));
    }

    @Test
    void unterminatedBlockIsAnError() {
        var e = assertThrows(ConfigException.class, () -> ini("master = true\nif-env = HOME\nx = 1\n"));
        assertEquals("l.ini:3: option 'if-env': block is never closed (missing endif)", e.getMessage());
        var f = assertThrows(ConfigException.class, () -> ini("for = a\nfor = b\nendfor =\n"));
        assertEquals("l.ini:2: option 'for': block is never closed (missing endfor)", f.getMessage());
    }

    @Test
    void strayEndIsKeptAndHarmless() throws Exception {
        assertEquals(List.of("endif = ", "x = 1"), ini("endif =\nx = 1\n"));
    }

    @Test
    void blockBodyCanLoadFiles() throws Exception {
        write(dir, "a.ini", "[uwsgi]\nfrom = a\n");
        write(dir, "b.ini", "[uwsgi]\nfrom = b\n");
        assertEquals(List.of("for = a b", "ini = a.ini", "from = a", "ini = b.ini", "from = b", "endfor = "),
                ini("for = a b\nini = %(_).ini\nendfor =\n"));
    }
}
