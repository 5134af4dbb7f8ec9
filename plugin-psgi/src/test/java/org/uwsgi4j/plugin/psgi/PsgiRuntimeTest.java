package org.uwsgi4j.plugin.psgi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What PsgiRuntime hands the Perl host and the log: the mounts as JSON, the apps' name. */
class PsgiRuntimeTest {

    @Test
    void mountsAreMountPointAndFileMadeAbsoluteSplitAtTheFirstEquals() {
        assertEquals("[[\"/a\",\"/srv/app.psgi\"],[\"/b\",\"/abs/x=y.pl\"],[\"\",\"/srv/q \\\"u\\\".psgi\"]]",
                PsgiRuntime.mountsJson(List.of("/a=app.psgi", "/b=/abs/x=y.pl", "=q \"u\".psgi"), Path.of("/srv")));
    }

    @Test
    void theLogNameIsApp0AndTheNumberOfMounts() {
        assertEquals("PSGI app 0 (mountpoint='') from app.psgi", PsgiRuntime.appName(Optional.of("app.psgi"), List.of()));
        assertEquals("PSGI app 0 (mountpoint='') from app.psgi and 1 mount",
                PsgiRuntime.appName(Optional.of("app.psgi"), List.of("/a=a.psgi")));
        assertEquals("PSGI app 0 (mountpoint='/a') from a.psgi and 2 mounts",
                PsgiRuntime.appName(Optional.empty(), List.of("/a=a.psgi", "/b=b.pl")));
    }

    /** Options from name/value pairs, as the kernel would resolve them (no defaults needed here). */
    private static org.uwsgi4j.kernel.api.Options options(String... pairs) {
        var map = new java.util.LinkedHashMap<String, String>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return new org.uwsgi4j.kernel.api.Options() {
            @Override public List<java.util.Map.Entry<String, String>> entries() { return List.copyOf(map.entrySet()); }
            @Override public Optional<String> value(String name) { return Optional.ofNullable(map.get(name)); }
            @Override public List<String> values(String name) { return map.containsKey(name) ? List.of(map.get(name)) : List.of(); }
            @Override public boolean isTrue(String name) { return "true".equals(map.get(name)); }
        };
    }

    @Test
    void aPerlInterpreterThatIsNotAnExecutableFileIsRefusedAtStart() {
        var runtime = new PsgiRuntime(null);
        assertEquals(List.of("--perl-interpreter /nonexistent/perl: not an executable file"),
                runtime.problems(options("psgi", "app.psgi", "perl-interpreter", "/nonexistent/perl")));
        assertEquals(List.of(), runtime.problems(options("psgi", "app.psgi", "perl-interpreter", "/usr/bin/perl")));
        assertEquals(List.of(), runtime.problems(options("psgi", "app.psgi", "perl-interpreter", "perl")),
                "a bare name is looked up on the PATH when the host starts");
    }
}
