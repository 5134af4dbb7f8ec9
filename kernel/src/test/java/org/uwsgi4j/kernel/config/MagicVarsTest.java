package org.uwsgi4j.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.uwsgi4j.kernel.config.TestConfigs.load;
import static org.uwsgi4j.kernel.config.TestConfigs.write;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per magic variable of uWSGI 2.0, each expanded in a real file under a temp dir. */
class MagicVarsTest {

    @TempDir
    Path tmp;
    Path root;

    @BeforeEach
    void realRoot() throws Exception {
        root = tmp.toRealPath();
        Files.createDirectories(root.resolve("etc/vassals"));
    }

    /** The value of {@code probe} after loading {@code etc/vassals/app.ini[:section]} holding "probe = text". */
    private String expand(String text) throws Exception {
        return expand(text, "etc/vassals/app.ini");
    }

    private String expand(String text, String iniArg) throws Exception {
        write(root, "etc/vassals/app.ini", "[uwsgi]\nprobe = " + text + "\n[other]\nprobe = " + text + "\n");
        return load(root, "--ini", iniArg).value("probe").orElseThrow();
    }

    @Test
    void d_directoryOfTheFileWithTrailingSlash() throws Exception {
        assertEquals(root + "/etc/vassals/", expand("%d"));
    }

    @Test
    void p_absolutePath() throws Exception {
        assertEquals(root + "/etc/vassals/app.ini", expand("%p"));
    }

    @Test
    void s_fileName() throws Exception {
        assertEquals("app.ini", expand("%s"));
    }

    @Test
    void n_nameWithoutExtension() throws Exception {
        assertEquals("app", expand("%n"));
    }

    @Test
    void e_extension() throws Exception {
        assertEquals("ini", expand("%e"));
    }

    @Test
    void c_nameOfTheDirectory() throws Exception {
        assertEquals("vassals", expand("%c"));
    }

    @Test
    void o_fileAsWritten() throws Exception {
        assertEquals("etc/vassals/app.ini", expand("%o"));
    }

    @Test
    void x_sectionWhenAskedExplicitlyElseEmpty() throws Exception {
        assertEquals("[]", expand("[%x]"));
        assertEquals("other", expand("%x", "etc/vassals/app.ini:other"));
    }

    @Test
    void digits_componentsOfTheDirectory() throws Exception {
        String[] parts = (root + "/etc/vassals").substring(1).split("/");
        assertEquals(parts[0] + "|" + parts[1], expand("%0|%1"));
    }

    @Test
    void j_djb33xHashOfTheFullPathAsUwsgiPrintsIt() throws Exception {
        // uWSGI 2.0.21 printed 9841C4BF for /tmp/cfg/sub/dir/b.ini
        assertEquals("9841C4BF", MagicVars.djb33xHex("/tmp/cfg/sub/dir/b.ini"));
        assertEquals(MagicVars.djb33xHex(root + "/etc/vassals/app.ini"), expand("%j"));
    }

    @Test
    void v_workingDirectory() throws Exception {
        assertEquals(root.toString(), expand("%v"));
    }

    @Test
    void h_hostname() throws Exception {
        assertEquals("testhost", expand("%h"));
    }

    @Test
    void upperV_version() throws Exception {
        assertEquals("9.9.9", expand("%V"));
    }

    @Test
    void k_cpuCores() throws Exception {
        assertEquals("3", expand("%k"));
    }

    @Test
    void u_and_g_userAndGroupIdsAndNames() throws Exception {
        assertEquals("1000 alice 100 staff", expand("%u %U %g %G"));
    }

    @Test
    void t_and_T_startTimeInSecondsAndMicroseconds() throws Exception {
        assertEquals("1700000000 1700000000123456", expand("%t %T"));
    }

    @Test
    void bracket_ansiEscape() throws Exception {
        assertEquals("\033[1m", expand("%[[1m"));
    }

    @Test
    void percentPercent_isAPercentAndCanBuildAPlaceholder() throws Exception {
        write(root, "p.ini", "[uwsgi]\nport = 80\npct = 100%%\nlit = %%(port)\n");
        var config = load(root, "--ini", "p.ini");
        assertEquals("100%", config.value("pct").orElseThrow());
        assertEquals("80", config.value("lit").orElseThrow());
    }

    @Test
    void unknownLetterExpandsToNothingAsInUwsgi() throws Exception {
        assertEquals("ab", expand("a%zb"));
        assertEquals("a", expand("a%?"));
    }

    @Test
    void trailingPercentStays() throws Exception {
        assertEquals("100%", expand("100%"));
    }

    @Test
    void upperCaseVariantsReferToTheFirstNonTemplateFile() throws Exception {
        write(root, "etc/base.ini", "[uwsgi]\nbase-n = %n\nbase-N = %N\nbase-P = %P\nbase-X = %X\n");
        write(root, "etc/vassals/app.ini", "[uwsgi]\ninclude = etc/base.ini\n");
        var config = load(root, "--ini", "etc/vassals/app.ini:uwsgi");
        assertEquals("base", config.value("base-n").orElseThrow());
        assertEquals("app", config.value("base-N").orElseThrow());
        assertEquals(root + "/etc/vassals/app.ini", config.value("base-P").orElseThrow());
        assertEquals("uwsgi", config.value("base-X").orElseThrow());
    }

    @Test
    void magicVarsAreNotExpandedOnTheCommandLine() throws Exception {
        assertEquals("%n", load(root, "--set-ph", "x=%n").value("x").orElseThrow());
    }

    @Test
    void magicVarsWorkInEveryFormat() throws Exception {
        write(root, "m.json", "{\"uwsgi\": {\"a\": \"%n.%e\"}}");
        write(root, "m.yaml", "uwsgi:\n  b: %n.%e\n");
        write(root, "m.xml", "<uwsgi><c>%n.%e</c></uwsgi>");
        var config = load(root, "m.json", "m.yaml", "m.xml");
        assertEquals("m.json m.yaml m.xml", config.value("a").orElseThrow() + " " + config.value("b").orElseThrow() + " " + config.value("c").orElseThrow());
    }
}
