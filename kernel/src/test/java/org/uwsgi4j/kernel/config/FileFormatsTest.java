package org.uwsgi4j.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.uwsgi4j.kernel.config.TestConfigs.lines;
import static org.uwsgi4j.kernel.config.TestConfigs.load;
import static org.uwsgi4j.kernel.config.TestConfigs.write;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileFormatsTest {

    @TempDir
    Path dir;

    @Test
    void iniReadsTheUwsgiSectionWithCommentsBlanksAndBareKeys() throws Exception {
        write(dir, "a.ini", """
                ; comment
                [other]
                socket = :1
                [uwsgi]
                  socket   =   :3031\t
                # another comment
                master
                empty =
                eq = a=b
                """);
        var config = load(dir, "--ini", "a.ini");
        assertEquals(List.of("ini = a.ini", "socket = :3031", "master = ", "empty = ", "eq = a=b"), lines(config));
        assertEquals(Origin.of("a.ini", 5), config.list().get(1).origin());
        assertEquals("true", config.value("master").orElseThrow());
    }

    @Test
    void iniSectionIsChosenAfterTheColon() throws Exception {
        write(dir, "a.ini", "[uwsgi]\nsocket = :1\n[app1]\nsocket = :2\n");
        assertEquals(List.of("ini = a.ini:app1", "socket = :2"), lines(load(dir, "--ini", "a.ini:app1")));
    }

    @Test
    void iniWithWindowsLineEndings() throws Exception {
        write(dir, "a.ini", "[uwsgi]\r\nsocket = :1\r\n");
        assertEquals(List.of("ini = a.ini", "socket = :1"), lines(load(dir, "--ini", "a.ini")));
    }

    @Test
    void unknownSectionIsAnErrorNamingFileAndSection() throws Exception {
        write(dir, "a.ini", "[uwsgi]\nsocket = :1\n");
        var e = assertThrows(ConfigException.class, () -> load(dir, "--ini", "a.ini:prod"));
        assertEquals("command line: option 'ini': a.ini has no [prod] section", e.getMessage());
    }

    @Test
    void aMalformedSectionHeaderIsNamedWithItsLineAndItsLinesBelongToNoSection() throws Exception {
        write(dir, "a.ini", "[uwsgi\nprocesses = 2\n");
        var e = assertThrows(ConfigException.class, () -> load(dir, "--ini", "a.ini"));
        assertEquals("command line: option 'ini': a.ini has no [uwsgi] section (a.ini:1: malformed section header '[uwsgi'"
                + " (no closing ']'): the lines under it belong to no section)", e.getMessage());
        write(dir, "b.ini", "[uwsgi]\nsocket = :1\n[other\nsocket = :2\n");
        var config = load(dir, "--ini", "b.ini");
        assertEquals(List.of("ini = b.ini", "socket = :1"), lines(config));
        assertTrue(config.notices().contains("b.ini:3: malformed section header '[other' (no closing ']'): the lines under it belong to no section"),
                config.notices().toString());
    }

    @Test
    void missingFileIsAnErrorNamingWhereItWasAskedFor() throws Exception {
        write(dir, "a.ini", "[uwsgi]\nmaster = true\nini = nope.ini\n");
        var e = assertThrows(ConfigException.class, () -> load(dir, "a.ini"));
        assertEquals("a.ini:3: option 'ini': cannot open 'nope.ini': no such file", e.getMessage());
    }

    @Test
    void jsonValuesArraysBooleansNumbersAndSections() throws Exception {
        write(dir, "a.json", """
                {"uwsgi": {
                  "socket": ["/tmp/uwsgi.sock", "127.0.0.1:8000"],
                  "master": true,
                  "workers": 3,
                  "no": false, "none": null, "ratio": 1.5e2,
                  "text": "caf\\u00e9 \\"q\\""
                }, "app2": {"plugin": "rack"}, "app3": {"nested": {"x": [1, {"y": 2}]}}}
                """);
        var config = load(dir, "--json", "a.json");
        assertEquals(List.of("json = a.json", "socket = /tmp/uwsgi.sock", "socket = 127.0.0.1:8000", "master = 1",
                "workers = 3", "no = 0", "none = 0", "ratio = 1.5e2", "text = café \"q\""), lines(config));
        assertEquals(Origin.of("a.json", 4), config.list().get(4).origin());
        assertEquals(List.of("json = a.json:app2", "plugin = rack"), lines(load(dir, "-j", "a.json:app2")));
        var e = assertThrows(ConfigException.class, () -> load(dir, "--json", "a.json:app3"));
        assertEquals("a.json:7: invalid JSON: option 'nested' has a nested object, which uWSGI does not accept", e.getMessage());
    }

    @Test
    void malformedJsonNamesTheLine() throws Exception {
        write(dir, "bad.json", "{\"uwsgi\": {\n  \"socket\": \":1\"\n  \"master\": true}}");
        var e = assertThrows(ConfigException.class, () -> load(dir, "--json", "bad.json"));
        assertEquals("bad.json:3: invalid JSON: expected '}' but found '\"'", e.getMessage());
    }

    @Test
    void yamlSubsetWithListsCommentsAndQuotes() throws Exception {
        write(dir, "a.yml", """
                ---
                uwsgi:
                  socket: /tmp/uwsgi.sock
                  socket: 127.0.0.1:8000
                  # full-line comment
                  master: 1
                  workers: 3 # inline comment
                  quoted: "a # b"
                  single: 'x'
                  env:
                    - A=1
                    - B=2
                app2:
                  plugin: rack
                """);
        var config = load(dir, "--yaml", "a.yml");
        assertEquals(List.of("yaml = a.yml", "socket = /tmp/uwsgi.sock", "socket = 127.0.0.1:8000", "master = 1",
                "workers = 3", "quoted = a # b", "single = x", "env = A=1", "env = B=2"), lines(config));
        assertEquals(List.of("yml = a.yml:app2", "plugin = rack"), lines(load(dir, "--yml", "a.yml:app2")));
    }

    @Test
    void xmlRootStanzaAndStanzasById() throws Exception {
        write(dir, "a.xml", """
                <uwsgi>
                  <socket>/tmp/uwsgi.sock</socket>
                  <socket>127.0.0.1:8000</socket>
                  <master/>
                  <workers>3</workers>
                </uwsgi>
                """);
        var config = load(dir, "--xml", "a.xml");
        assertEquals(List.of("xml = a.xml", "socket = /tmp/uwsgi.sock", "socket = 127.0.0.1:8000", "master = 1", "workers = 3"), lines(config));
        assertEquals(Origin.of("a.xml", 4), config.list().get(3).origin());
        write(dir, "b.xml", """
                <i-love-xml>
                  <uwsgi id="turbogears"><socket>/tmp/tg.sock</socket></uwsgi>
                  <uwsgi id="django"><socket>/tmp/django.sock</socket></uwsgi>
                </i-love-xml>
                """);
        assertEquals(List.of("xml = b.xml:django", "socket = /tmp/django.sock"), lines(load(dir, "-x", "b.xml:django")));
        var e = assertThrows(ConfigException.class, () -> load(dir, "--xml", "b.xml"));
        assertEquals("command line: option 'xml': b.xml has no <uwsgi> root element", e.getMessage());
    }

    @Test
    void xmlRefusesDoctypes() throws Exception {
        write(dir, "evil.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<uwsgi><a>&e;</a></uwsgi>\n");
        var e = assertThrows(ConfigException.class, () -> load(dir, "--xml", "evil.xml"));
        assertEquals(true, e.getMessage().startsWith("evil.xml:2: invalid XML: "), e.getMessage());
    }

    @Test
    void bareArgumentsPickTheFormatByExtension() throws Exception {
        write(dir, "a.yaml", "uwsgi:\n  processes: 2\n");
        write(dir, "b.js", "{\"uwsgi\": {\"threads\": 4}}");
        write(dir, "c.xml", "<uwsgi><master/></uwsgi>");
        assertEquals(List.of("processes = 2", "threads = 4", "master = 1"), lines(load(dir, "a.yaml", "b.js", "c.xml")));
    }
}
