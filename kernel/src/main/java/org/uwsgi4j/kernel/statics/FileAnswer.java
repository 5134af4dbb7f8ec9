package org.uwsgi4j.kernel.statics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The HTTP answer for one regular file found by a static rule: the gzip variant when it applies
 * and exists, 304 for an If-Modified-Since not older than the file, 416 / 206 for a Range (GET
 * only; an If-Range that is not a date at or after the file's modification sends the whole
 * file), else 200. Headers in uWSGI's order: Content-Type, Content-Length, Last-Modified,
 * Expires, Content-Encoding; then Content-Range, Accept-Ranges and Vary, which uWSGI does not send.
 */
final class FileAnswer {

    private FileAnswer() {
    }

    static StaticAnswer of(Path file, BasicFileAttributes attrs, StaticRequest request, long nowSeconds, String type,
                           ExpiresRules expires, boolean gzipApplies) {
        String name = file.toString();
        Path body = file;
        long size = attrs.size();
        long mtime = StaticFiles.mtime(attrs);
        boolean gzipped = false;
        if (gzipApplies && GzipRules.accepted(request.acceptEncoding())) {
            Path gz = Path.of(name + ".gz");
            try {
                BasicFileAttributes g = Files.readAttributes(gz, BasicFileAttributes.class);
                if (g.isRegularFile()) {
                    body = gz;
                    size = g.size();
                    mtime = StaticFiles.mtime(g);
                    gzipped = true;
                }
            } catch (IOException e) {
                // no variant: the file itself
            }
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>(8);
        String lastModified = HttpDates.format(mtime);
        long ims = HttpDates.parse(request.ifModifiedSince());
        if (ims >= 0 && mtime <= ims) {
            headers.add(Map.entry("Last-Modified", lastModified));
            if (gzipApplies) {
                headers.add(Map.entry("Vary", "Accept-Encoding"));
            }
            return new StaticAnswer("304 Not Modified", headers, null, 0, 0);
        }
        ByteRange range = "GET".equals(request.method()) && rangeApplies(request.ifRange(), mtime)
                ? ByteRange.parse(request.range(), size) : ByteRange.IGNORED;
        if (range == ByteRange.UNSATISFIABLE) {
            headers.add(Map.entry("Content-Range", "bytes */" + size));
            headers.add(Map.entry("Content-Length", "0"));
            return new StaticAnswer("416 Range Not Satisfiable", headers, null, 0, 0);
        }
        boolean partial = range != ByteRange.IGNORED;
        long offset = partial ? range.first() : 0;
        long length = partial ? range.length() : size;
        if (type != null) {
            headers.add(Map.entry("Content-Type", type));
        }
        headers.add(Map.entry("Content-Length", Long.toString(length)));
        headers.add(Map.entry("Last-Modified", lastModified));
        long expiresAt = expires.expires(name, request.pathInfo(), request.uri(), type, nowSeconds, mtime);
        if (expiresAt >= 0) {
            headers.add(Map.entry("Expires", HttpDates.format(expiresAt)));
        }
        if (gzipped) {
            headers.add(Map.entry("Content-Encoding", "gzip"));
        }
        if (partial) {
            headers.add(Map.entry("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size));
        }
        headers.add(Map.entry("Accept-Ranges", "bytes"));
        if (gzipApplies) {
            headers.add(Map.entry("Vary", "Accept-Encoding"));
        }
        return new StaticAnswer(partial ? "206 Partial Content" : "200 OK", headers, body, offset, length);
    }

    /** A Range is honoured without If-Range, or when If-Range is a date at or after the file's modification. */
    private static boolean rangeApplies(String ifRange, long mtime) {
        if (ifRange == null) {
            return true;
        }
        long when = HttpDates.parse(ifRange);
        return when >= 0 && when >= mtime;
    }
}
