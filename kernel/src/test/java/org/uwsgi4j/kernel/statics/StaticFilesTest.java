package org.uwsgi4j.kernel.statics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uwsgi4j.kernel.log.TestOptions;

/** Which file a request names and what stops it from leaving the mapped directory (docs/static.md). */
class StaticFilesTest {

    private static final long NOW = 1_800_000_000L;
    private static final long MTIME = 1_700_000_000L;

    @TempDir
    Path tmp;
    private Path www;
    private Path mime;

    @BeforeEach
    void files() throws Exception {
        www = Files.createDirectories(tmp.resolve("www"));
        mime = Files.writeString(tmp.resolve("mime.types"), "text/plain txt\ntext/html html\ntext/css css\n");
        write(www.resolve("a.txt"), "hello\n");
        write(www.resolve("sub/index.html"), "<h1>i</h1>\n");
        write(www.resolve("sub/page.py"), "x");
        write(tmp.resolve("secret.txt"), "secret\n");
        write(tmp.resolve("other/o.txt"), "other\n");
        write(tmp.resolve("www2/static/b.txt"), "b\n");
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(MTIME, java.util.concurrent.TimeUnit.SECONDS));
    }

    private StaticFiles statics(String... more) {
        String[] all = new String[more.length + 2];
        all[0] = "mimefile";
        all[1] = mime.toString();
        System.arraycopy(more, 0, all, 2, more.length);
        return StaticConfig.fromOptions(TestOptions.of(all));
    }

    private static StaticRequest get(String path) {
        return new StaticRequest("GET", path, path, null, null, null, null);
    }

    private static String header(StaticAnswer a, String name) {
        return a.headers().stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).findFirst().orElse(null);
    }

    @Test
    void noRuleClaimsNothing() {
        StaticFiles none = StaticConfig.fromOptions(TestOptions.of());
        assertFalse(none.active());
        assertFalse(none.claims("GET", "/static/a.txt"));
    }

    @Test
    void aMappedFileIsServedWithItsTypeLengthAndDate() {
        var statics = statics("static-map", "/static=" + www);
        assertTrue(statics.claims("GET", "/static/a.txt"));
        assertTrue(statics.claims("HEAD", "/static/a.txt"));
        assertFalse(statics.claims("POST", "/static/a.txt"), "only GET and HEAD, as uWSGI");
        assertFalse(statics.claims("GET", "/other"));
        StaticAnswer a = statics.answer(get("/static/a.txt"), NOW);
        assertEquals("200 OK", a.statusLine());
        assertEquals(www.resolve("a.txt"), a.file());
        assertEquals(0, a.offset());
        assertEquals(6, a.length());
        assertEquals("text/plain", header(a, "Content-Type"));
        assertEquals("6", header(a, "Content-Length"));
        assertEquals("Tue, 14 Nov 2023 22:13:20 GMT", header(a, "Last-Modified"));
        assertNull(header(a, "Expires"));
    }

    @Test
    void staticMap2AppendsTheWholePathAndCheckStaticTheDocroot() {
        var map2 = statics("static-map2", "/static=" + tmp.resolve("www2"));
        assertEquals(tmp.resolve("www2/static/b.txt"), map2.answer(get("/static/b.txt"), NOW).file());
        var check = statics("check-static", www.toString());
        assertTrue(check.claims("GET", "/anything"));
        assertEquals(www.resolve("a.txt"), check.answer(get("/a.txt"), NOW).file());
        assertFalse(check.answer(get("/nope"), NOW).served());
    }

    @Test
    void aMappingToAFileServesThatFile() {
        var statics = statics("static-map", "/favicon.ico=" + www.resolve("a.txt"));
        assertEquals(www.resolve("a.txt"), statics.answer(get("/favicon.ico"), NOW).file());
    }

    @Test
    void rulesAreTriedInOrderAndAMissingFileFallsThrough() {
        var statics = statics("static-map", "/static=" + tmp.resolve("other"), "static-map", "/static=" + www);
        assertEquals(tmp.resolve("other/o.txt"), statics.answer(get("/static/o.txt"), NOW).file());
        assertEquals(www.resolve("a.txt"), statics.answer(get("/static/a.txt"), NOW).file());
        assertFalse(statics.answer(get("/static/none.txt"), NOW).served());
    }

    @Test
    void aDirectoryIsServedItsIndexElseFallsThrough() {
        assertFalse(statics("static-map", "/static=" + www).answer(get("/static/sub"), NOW).served());
        var statics = statics("static-map", "/static=" + www, "static-index", "missing.html", "static-index", "index.html");
        assertEquals(www.resolve("sub/index.html"), statics.answer(get("/static/sub"), NOW).file());
        assertEquals(www.resolve("sub/index.html"), statics.answer(get("/static/sub/"), NOW).file());
        assertEquals("text/html", header(statics.answer(get("/static/sub/"), NOW), "Content-Type"));
    }

    @Test
    void aSkippedExtensionFallsThrough() {
        var statics = statics("static-map", "/static=" + www, "static-skip-ext", ".py");
        assertFalse(statics.answer(get("/static/sub/page.py"), NOW).served());
        assertTrue(statics.answer(get("/static/a.txt"), NOW).served());
    }

    @Test
    void parentSegmentsAndNulAreForbiddenWhereverTheyLead() {
        var statics = statics("static-map", "/static=" + www);
        for (String path : new String[] {"/static/../secret.txt", "/static/sub/../a.txt", "/static/..", "/static/a.txt\0.png",
                "/static/sub/../../secret.txt", "/static/../www/a.txt"}) {
            assertEquals("403 Forbidden", statics.answer(get(path), NOW).statusLine(), path);
        }
        assertTrue(StaticFiles.escapes("/a/.."));
        assertFalse(StaticFiles.escapes("/a/..b/c.."), "a name with dots is no parent segment");
    }

    @Test
    void aSymlinkOutIsForbiddenUnlessItLeadsUnderAStaticSafePath() throws Exception {
        Files.createSymbolicLink(www.resolve("out.txt"), tmp.resolve("secret.txt"));
        Files.createSymbolicLink(www.resolve("otherdir"), tmp.resolve("other"));
        Files.createSymbolicLink(www.resolve("in.txt"), www.resolve("a.txt"));
        var statics = statics("static-map", "/static=" + www);
        assertEquals("403 Forbidden", statics.answer(get("/static/out.txt"), NOW).statusLine());
        assertEquals("403 Forbidden", statics.answer(get("/static/otherdir/o.txt"), NOW).statusLine());
        assertEquals(www.resolve("a.txt"), statics.answer(get("/static/in.txt"), NOW).file(), "a link inside the root is fine");
        var safe = statics("static-map", "/static=" + www, "static-safe", tmp.resolve("other").toString());
        assertEquals(tmp.resolve("other/o.txt"), safe.answer(get("/static/otherdir/o.txt"), NOW).file());
        assertEquals("403 Forbidden", safe.answer(get("/static/out.txt"), NOW).statusLine());
    }

    @Test
    void anIndexLinkedOutsideIsForbidden() throws Exception {
        Files.createDirectories(www.resolve("d"));
        Files.createSymbolicLink(www.resolve("d/index.html"), tmp.resolve("secret.txt"));
        var statics = statics("static-map", "/static=" + www, "static-index", "index.html");
        assertEquals("403 Forbidden", statics.answer(get("/static/d/"), NOW).statusLine());
    }

    @Test
    void ifModifiedSinceNotOlderThanTheFileIs304() {
        var statics = statics("static-map", "/static=" + www);
        var same = new StaticRequest("GET", "/static/a.txt", "/static/a.txt", null, "Tue, 14 Nov 2023 22:13:20 GMT", null, null);
        assertEquals("304 Not Modified", statics.answer(same, NOW).statusLine());
        var older = new StaticRequest("GET", "/static/a.txt", "/static/a.txt", null, "Tue, 14 Nov 2023 22:13:19 GMT", null, null);
        assertEquals("200 OK", statics.answer(older, NOW).statusLine());
        var garbage = new StaticRequest("GET", "/static/a.txt", "/static/a.txt", null, "yesterday", null, null);
        assertEquals("200 OK", statics.answer(garbage, NOW).statusLine());
    }

    @Test
    void rangesAre206Or416AndIfRangeDecides() {
        var statics = statics("static-map", "/static=" + www);
        StaticAnswer partial = statics.answer(new StaticRequest("GET", "/static/a.txt", "/static/a.txt", null, null, "bytes=1-3", null), NOW);
        assertEquals("206 Partial Content", partial.statusLine());
        assertEquals(1, partial.offset());
        assertEquals(3, partial.length());
        assertEquals("bytes 1-3/6", header(partial, "Content-Range"));
        assertEquals("3", header(partial, "Content-Length"));
        StaticAnswer past = statics.answer(new StaticRequest("GET", "/static/a.txt", "/static/a.txt", null, null, "bytes=9-", null), NOW);
        assertEquals("416 Range Not Satisfiable", past.statusLine());
        assertEquals("bytes */6", header(past, "Content-Range"));
        StaticAnswer head = statics.answer(new StaticRequest("HEAD", "/static/a.txt", "/static/a.txt", null, null, "bytes=1-3", null), NOW);
        assertEquals("200 OK", head.statusLine(), "Range is for GET");
        StaticAnswer stale = statics.answer(new StaticRequest("GET", "/static/a.txt", "/static/a.txt", null, null, "bytes=1-3",
                "Mon, 13 Nov 2023 00:00:00 GMT"), NOW);
        assertEquals("200 OK", stale.statusLine(), "an If-Range older than the file: the whole file");
        StaticAnswer etag = statics.answer(new StaticRequest("GET", "/static/a.txt", "/static/a.txt", null, null, "bytes=1-3", "\"x\""), NOW);
        assertEquals("200 OK", etag.statusLine());
    }

    @Test
    void expiresFromTheFirstMatchingRuleInUwsgisOrder() {
        var statics = statics("static-map", "/static=" + www, "static-expires-type", "text/plain=60",
                "static-expires-uri-mtime", "a\\.txt$=10", "static-expires", "sub/=3600", "static-index", "index.html");
        assertEquals("Tue, 14 Nov 2023 22:13:30 GMT", header(statics.answer(get("/static/a.txt"), NOW), "Expires"), "uri before type");
        assertEquals("Fri, 15 Jan 2027 09:00:00 GMT", header(statics.answer(get("/static/sub/"), NOW), "Expires"));
        var byType = statics("static-map", "/static=" + www, "static-expires-type", "text/plain=60");
        assertEquals("Fri, 15 Jan 2027 08:01:00 GMT", header(byType.answer(get("/static/a.txt"), NOW), "Expires"));
    }

    @Test
    void eachExpiresRuleCountsFromNowOrFromTheFilesMtime() {
        String fromMtime = "Tue, 14 Nov 2023 22:13:30 GMT"; // the file's mtime + 10 s
        String fromNow = "Fri, 15 Jan 2027 08:00:10 GMT";   // NOW + 10 s
        String[][] rules = {
            {"static-expires-type-mtime", "text/plain=10", fromMtime},
            {"static-expires", "a\\.txt$=10", fromNow},
            {"static-expires-mtime", "a\\.txt$=10", fromMtime},
            {"static-expires-uri", "a\\.txt$=10", fromNow},
            {"static-expires-path-info", "a\\.txt$=10", fromNow},
            {"static-expires-path-info-mtime", "a\\.txt$=10", fromMtime},
        };
        for (String[] rule : rules) {
            var statics = statics("static-map", "/static=" + www, rule[0], rule[1]);
            assertEquals(rule[2], header(statics.answer(get("/static/a.txt"), NOW), "Expires"), rule[0]);
        }
    }

    @Test
    void theGzipVariantIsSentWhenTheClientTakesIt() throws Exception {
        write(www.resolve("a.txt.gz"), "gzipped");
        var statics = statics("static-map", "/static=" + www, "static-gzip-ext", ".txt");
        var gzip = new StaticRequest("GET", "/static/a.txt", "/static/a.txt", "gzip, deflate", null, null, null);
        StaticAnswer a = statics.answer(gzip, NOW);
        assertEquals(www.resolve("a.txt.gz"), a.file());
        assertEquals("gzip", header(a, "Content-Encoding"));
        assertEquals("text/plain", header(a, "Content-Type"));
        assertEquals("7", header(a, "Content-Length"));
        assertEquals("Accept-Encoding", header(a, "Vary"));
        StaticAnswer plain = statics.answer(get("/static/a.txt"), NOW);
        assertEquals(www.resolve("a.txt"), plain.file());
        assertNull(header(plain, "Content-Encoding"));
        var notMatching = statics("static-map", "/static=" + www, "static-gzip", "\\.css$");
        assertEquals(www.resolve("a.txt"), notMatching.answer(gzip, NOW).file());
        var all = statics("static-map", "/static=" + www, "static-gzip-all", "true");
        assertEquals(www.resolve("a.txt.gz"), all.answer(gzip, NOW).file());
        var dir = statics("static-map", "/static=" + www, "static-gzip-dir", www.toString());
        assertEquals(www.resolve("a.txt.gz"), dir.answer(gzip, NOW).file());
    }

    @Test
    void badValuesStopTheStartWithOneLine() {
        var e = assertThrows(IllegalArgumentException.class, () -> statics("static-map", "/static"));
        assertEquals("static-map /static: invalid document root in static map, syntax mountpoint=docroot", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> statics("static-map", "/s=" + tmp.resolve("missing")));
        assertTrue(e.getMessage().contains("no such directory or file"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> statics("static-map", "/s=" + www, "static-expires", "(=1"));
        assertTrue(e.getMessage().startsWith("static-expires (=1: invalid regular expression"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> statics("static-map", "/s=" + www, "static-expires-type", "text/html=soon"));
        assertEquals("static-expires-type text/html=soon: the seconds are not a number", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StaticConfig.fromOptions(TestOptions.of("static-map", "/s=" + www,
                "mimefile", tmp.resolve("none.types").toString())));
        assertTrue(e.getMessage().startsWith("mimefile: cannot read"), e.getMessage());
    }
}
