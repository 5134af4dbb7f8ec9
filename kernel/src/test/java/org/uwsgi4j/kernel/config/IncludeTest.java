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

/** ini/xml/yaml/json inside files, include, inherit, section reuse and loop detection. */
class IncludeTest {

    @TempDir
    Path dir;

    @Test
    void iniPasteLoadsTheUwsgiSectionAndMakesTheFileThePasteApp() throws Exception {
        write(dir, "dev.ini", "[uwsgi]\nhttp-socket = :0\n\n[app:main]\nuse = egg:myapp\n");
        assertEquals(List.of("ini-paste = dev.ini", "http-socket = :0", "paste = config:" + dir.resolve("dev.ini")),
                lines(load(dir, "--ini-paste", "dev.ini")));
        assertEquals(List.of("ini-paste-logged = dev.ini", "http-socket = :0", "paste = config:" + dir.resolve("dev.ini"),
                "paste-logger = true"), lines(load(dir, "--ini-paste-logged", "dev.ini")));
    }

    @Test
    void filesAreExpandedWhereTheyAreNamedTopToBottom() throws Exception {
        write(dir, "file1.ini", "[uwsgi]\nsocket = :3031\nini = file2.ini\nsocket = :3032\nchdir = /var/www\n");
        write(dir, "file2.ini", "[uwsgi]\nmaster = true\nxml = file3.xml\nmemory-report = true\nprocesses = 4\n");
        write(dir, "file3.xml", "<uwsgi>\n  <plugins>router_uwsgi</plugins>\n  <mount>/foo=foo.py</mount>\n</uwsgi>\n");
        var config = load(dir, "--ini", "file1.ini");
        assertEquals(List.of("ini = file1.ini", "socket = :3031", "ini = file2.ini", "master = true", "xml = file3.xml",
                "plugins = router_uwsgi", "mount = /foo=foo.py", "memory-report = true", "processes = 4",
                "socket = :3032", "chdir = /var/www"), lines(config));
        assertEquals(List.of(":3031", ":3032"), config.values("socket"));
        assertEquals(List.of("[uWSGI] getting INI configuration from file1.ini", "[uWSGI] getting INI configuration from file2.ini",
                "[uWSGI] getting XML configuration from file3.xml"), config.notices());
    }

    @Test
    void sectionOnlyReadsFromTheLastFileOfThatFormat() throws Exception {
        write(dir, "main.ini", "[uwsgi]\nini = :app1\nini = defaults.ini\nini = :app2\n[app1]\nplugin = rack\n");
        write(dir, "defaults.ini", "[uwsgi]\nd = 1\n[app2]\nplugin = php\n");
        assertEquals(List.of("ini = main.ini", "ini = :app1", "plugin = rack", "ini = defaults.ini", "d = 1", "ini = :app2", "plugin = php"),
                lines(load(dir, "--ini", "main.ini")));
    }

    @Test
    void includeLoopIsAnError() throws Exception {
        write(dir, "a.ini", "[uwsgi]\nx = 1\nini = b.ini\n");
        write(dir, "b.ini", "[uwsgi]\ninclude = a.ini\n");
        var e = assertThrows(ConfigException.class, () -> load(dir, "--ini", "a.ini"));
        assertEquals("b.ini:2: option 'include': include loop: a.ini:uwsgi -> b.ini:uwsgi -> a.ini:uwsgi", e.getMessage());
    }

    @Test
    void sameFileTwiceInSequenceIsNoLoop() throws Exception {
        write(dir, "common.ini", "[uwsgi]\nc = 1\n");
        write(dir, "a.ini", "[uwsgi]\nini = common.ini\nini = common.ini\n");
        assertEquals(List.of("1", "1"), load(dir, "--ini", "a.ini").values("c"));
    }

    @Test
    void aFileMayLoadAnotherSectionOfItself() throws Exception {
        write(dir, "a.ini", "[uwsgi]\nini = a.ini:extra\n[extra]\ne = %x\n");
        assertEquals("extra", load(dir, "--ini", "a.ini").value("e").orElseThrow());
    }

    @Test
    void inheritedTemplateComesLastAndSkipsPlaceholders() throws Exception {
        write(dir, "tpl.ini", "[uwsgi]\ni-env = $(HOME)\ni-ph = %(socket)\ni-n = %n\n");
        write(dir, "inh.ini", "[uwsgi]\nsocket = :0\ninherit = tpl.ini\nafter = 1\n");
        var config = TestConfigs.loader(dir, Map.of("HOME", "/root")).load(List.of("--ini", "inh.ini", "--show-config"));
        assertEquals(List.of("ini = inh.ini", "socket = :0", "inherit = tpl.ini", "after = 1", "show-config = true",
                "i-env = $(HOME)", "i-ph = %(socket)", "i-n = tpl"), lines(config));
    }

    @Test
    void includeOfAnUnknownExtensionIsAnError() throws Exception {
        write(dir, "a.ini", "[uwsgi]\ninclude = extra.conf\n");
        var e = assertThrows(ConfigException.class, () -> load(dir, "a.ini"));
        assertEquals("a.ini:2: option 'include': unable to load configuration from extra.conf", e.getMessage());
    }

    @Test
    void emptyFileNameIsAnError() throws Exception {
        write(dir, "a.ini", "[uwsgi]\nini =\n");
        var e = assertThrows(ConfigException.class, () -> load(dir, "a.ini"));
        assertEquals("a.ini:2: option 'ini': a file name is required", e.getMessage());
    }
}
