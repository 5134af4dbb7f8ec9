package org.uwsgi4j.plugin.logencoder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * uWSGI's {@code gzip} (a whole gzip member per message, RFC 1952) and {@code compress} (a zlib
 * stream per message, RFC 1950, as zlib's {@code compress()} makes) encoders.
 */
final class Deflate implements Encoder {

    private final boolean gzip;

    private Deflate(boolean gzip) {
        this.gzip = gzip;
    }

    static Deflate gzip() {
        return new Deflate(true);
    }

    static Deflate zlib() {
        return new Deflate(false);
    }

    @Override
    public byte[] encode(byte[] message, long epochMicros) {
        if (gzip) {
            var out = new ByteArrayOutputStream(message.length / 2 + 32);
            try (var z = new GZIPOutputStream(out)) {
                z.write(message);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // never: the target is memory
            }
            return out.toByteArray();
        }
        Deflater deflater = new Deflater();
        try {
            deflater.setInput(message);
            deflater.finish();
            var out = new ByteArrayOutputStream(message.length / 2 + 16);
            byte[] buf = new byte[Math.max(64, message.length + 16)];
            while (!deflater.finished()) {
                out.write(buf, 0, deflater.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }
}
