package org.uwsgi4j.kernel.statics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MimeTypesTest {

    @Test
    void readsTypesAndExtensionsAndKeepsTheFirstMention(@TempDir Path dir) throws Exception {
        Path first = Files.writeString(dir.resolve("a.types"), """
                # comment
                text/plain\t\t\ttxt asc
                text/css css

                application/x-first dup
                """);
        Path second = Files.writeString(dir.resolve("b.types"), "application/x-second dup png\n");
        MimeTypes types = MimeTypes.read(List.of(first, second));
        assertEquals("text/plain", types.of("a.txt"));
        assertEquals("text/plain", types.of("/x/y.asc"));
        assertEquals("text/css", types.of("site.min.css"));
        assertEquals("text/css", types.of("SITE.CSS"));
        assertEquals("application/x-first", types.of("f.dup"));
        assertEquals("application/x-second", types.of("f.png"));
        assertEquals(5, types.size());
    }

    @Test
    void aNameWithoutAnAlphanumericExtensionHasNoType() {
        var map = new java.util.HashMap<String, String>();
        MimeTypes.addLine(map, "text/plain txt");
        assertEquals("text/plain", map.get("txt"));
        MimeTypes none = MimeTypes.none();
        assertNull(none.of("a.txt"));
    }

    @Test
    void theSystemFileKnowsTheCommonTypes() throws Exception {
        MimeTypes types = MimeTypes.read(List.of(StaticConfig.DEFAULT_MIME_FILE)); // Debian's media-types (test.sh installs it)
        assertEquals("text/html", types.of("index.html"));
        assertEquals("text/css", types.of("a.css"));
        assertEquals("image/png", types.of("a.png"));
        assertNull(types.of("README"));
        assertNull(types.of("a.tar-x"));
    }
}
