package org.uwsgi4j.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.uwsgi4j.kernel.config.TestConfigs.load;
import static org.uwsgi4j.kernel.config.TestConfigs.write;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaceholderTest {

    @TempDir
    Path dir;

    private ResolvedConfig ini(String body) throws Exception {
        return ini(body, Map.of());
    }

    private ResolvedConfig ini(String body, Map<String, String> env) throws Exception {
        write(dir, "p.ini", "[uwsgi]\n" + body);
        return TestConfigs.loader(dir, env).load(List.of("p.ini"));
    }

    @Test
    void referencesAnyEntryEvenOneSetLater() throws Exception {
        var c = ini("domain = uwsgi.it\nsocket = /tmp/%(domain).sock\nchdir = %(base)/x\nbase = /var/www\n");
        assertEquals("/tmp/uwsgi.it.sock", c.value("socket").orElseThrow());
        assertEquals("/var/www/x", c.value("chdir").orElseThrow());
    }

    @Test
    void aReferenceTakesTheFirstValueAsUwsgiDoes() throws Exception {
        assertEquals("x", ini("f = x\nf = y\ng = %(f)\n").value("g").orElseThrow());
    }

    @Test
    void chainedReferencesResolve() throws Exception {
        assertEquals("1-1", ini("a = %(b)-%(c)\nb = %(c)\nc = 1\n").value("a").orElseThrow());
    }

    @Test
    void unknownReferenceIsLeftAsWritten() throws Exception {
        assertEquals("%(nope)/%()", ini("a = %(nope)/%()\n").value("a").orElseThrow());
    }

    @Test
    void commandLineOptionsAreVisibleToFiles() throws Exception {
        write(dir, "p.ini", "[uwsgi]\nsocket = /run/%(app).sock\n");
        assertEquals("/run/blog.sock", load(dir, "--set-ph", "app=blog", "--ini", "p.ini").value("socket").orElseThrow());
    }

    @Test
    void setPhAndSetPlaceholderDefinePlaceholders() throws Exception {
        var c = ini("set-ph = max_as=64\nset-placeholder = base=/var/www\nlimit = %(max_as)\nchdir = %(base)\n");
        assertEquals("64", c.value("limit").orElseThrow());
        assertEquals("/var/www", c.value("chdir").orElseThrow());
        assertEquals(true, c.list().stream().filter(e -> e.key().equals("max_as")).findFirst().orElseThrow().placeholder());
    }

    @Test
    void setPhKeepsBlanksAroundTheEqualsSignAsUwsgiDoes() throws Exception {
        var c = ini("set-ph = max_as = 64\nlimit = %(max_as)\n");
        assertEquals(List.of("set-ph = max_as = 64", "max_as  =  64", "limit = %(max_as)"), TestConfigs.lines(c));
    }

    @Test
    void setPhRefusesAnOptionName() {
        var e = assertThrows(ConfigException.class, () -> ini("set-ph = processes=4\n"));
        assertEquals("p.ini:2: option 'set-ph': you cannot use processes as a placeholder, it is already available as an option", e.getMessage());
    }

    @Test
    void setSetsAnOptionOrAPlaceholder() throws Exception {
        var c = load(dir, "-S", "processes=4", "--set", "color=blue");
        assertEquals("4", c.value("processes").orElseThrow());
        assertEquals(true, c.list().stream().filter(e -> e.key().equals("color")).findFirst().orElseThrow().placeholder());
    }

    @Test
    void environmentVariables() throws Exception {
        var c = ini("home = $(HOME)/x\nmissing = $(NOPE)\n", Map.of("HOME", "/home/alice"));
        assertEquals("/home/alice/x", c.value("home").orElseThrow());
        assertEquals("$(NOPE)", c.value("missing").orElseThrow());
    }

    @Test
    void fileContentsWithoutTheTrailingNewline() throws Exception {
        write(dir, "secret.txt", "s3cr3t\n");
        assertEquals("key=s3cr3t", ini("env = key=@(secret.txt)\n").value("env").orElseThrow());
    }

    @Test
    void missingFileContentIsAnError() {
        var e = assertThrows(ConfigException.class, () -> ini("master = true\nenv = @(nope.txt)\n"));
        assertEquals("p.ini:3: option 'env': @(nope.txt): no such file", e.getMessage());
    }

    @Test
    void execOutput() throws Exception {
        assertEquals("hi there", ini("greeting = @(exec://echo hi there)\n").value("greeting").orElseThrow());
    }

    @Test
    void passesRunInUwsgiOrderEnvThenFilesThenReferences() throws Exception {
        write(dir, "name.txt", "app");
        var c = ini("a = %(b)\nb = $(DIR)/@(name.txt)\n", Map.of("DIR", "/srv"));
        assertEquals("/srv/app", c.value("a").orElseThrow());
    }

    @Test
    void arithmeticIsAPipelineWithoutPrecedence() throws Exception {
        var c = ini("foo = 17\nbar = 30\ntotal = %(foo + bar + 3 * 2)\nnext = %(foo ++)\nprev = %(foo --)\ncat = %(foo bar)\n"
                + "div = %(bar / 4)\nzero = %(bar / 0)\nsub = %(bar - foo)\n");
        assertEquals("100", c.value("total").orElseThrow());
        assertEquals("18", c.value("next").orElseThrow());
        assertEquals("16", c.value("prev").orElseThrow());
        assertEquals("1730", c.value("cat").orElseThrow());
        assertEquals("7", c.value("div").orElseThrow());
        assertEquals("0", c.value("zero").orElseThrow());
        assertEquals("13", c.value("sub").orElseThrow());
    }

    @Test
    void placeholderLoopIsAnErrorNamingTheChain() {
        var e = assertThrows(ConfigException.class, () -> ini("master = true\na = %(b)\nb = %(a)\n"));
        assertEquals("p.ini:3: option 'a': placeholder loop: %(b) -> %(a) -> %(b)", e.getMessage());
    }

    @Test
    void selfReferenceIsALoop() {
        var e = assertThrows(ConfigException.class, () -> ini("a = x%(a)\n"));
        assertEquals("p.ini:2: option 'a': placeholder loop: %(a) -> %(a)", e.getMessage());
    }

    @Test
    void environmentLoopIsAnError() {
        var e = assertThrows(ConfigException.class, () -> ini("a = $(A)\n", Map.of("A", "$(A)")));
        assertEquals("p.ini:2: option 'a': placeholder loop: $(A) -> $(A)", e.getMessage());
    }

    @Test
    void valuesOfLoadingOptionsAreNotExpanded() {
        var e = assertThrows(ConfigException.class, () -> ini("ini = $(HOME)/x.ini\n", Map.of("HOME", "/root")));
        assertEquals("p.ini:2: option 'ini': cannot open '$(HOME)/x.ini': no such file", e.getMessage());
    }
}
