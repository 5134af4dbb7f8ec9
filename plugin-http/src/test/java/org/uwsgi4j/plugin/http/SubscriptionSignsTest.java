package org.uwsgi4j.plugin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed subscription packets as uWSGI builds them (vars, unix, then sign over the bytes before
 * it) checked by the server: taken when the signature verifies with DIR/KEY.pem and the time is
 * fresh and newer than the node's last; dropped when tampered, replayed, stale or unsigned.
 */
class SubscriptionSignsTest {

    private static final long NOW = 1_800_000_000L;

    @TempDir
    Path dir;

    private final Subscriptions subscriptions = new Subscriptions(Duration.ofSeconds(17), Duration.ofSeconds(30), System::nanoTime);

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private SubscriptionSigns.Signer keys(String algorithm, String key) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        g.initialize(algorithm.equals("RSA") ? 1024 : 256);
        KeyPair pair = g.generateKeyPair();
        Files.writeString(dir.resolve(key + ".pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        Path secret = dir.resolve("secret-" + algorithm + ".pem");
        Files.writeString(secret, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        return SubscriptionSigns.Signer.parse("sha256:" + secret, "subscribe2");
    }

    private static void var(ByteArrayOutputStream out, String key, byte[] value) {
        byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
        out.write(k.length & 0xff);
        out.write(k.length >> 8);
        out.writeBytes(k);
        out.write(value.length & 0xff);
        out.write(value.length >> 8);
        out.writeBytes(value);
    }

    /** uWSGI's signed packet: key, address, modifiers, unix, then sign over the vars before it. */
    private static byte[] packet(SubscriptionSigns.Signer signer, String key, long unix, int command) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("key", key);
        vars.put("address", "127.0.0.1:3031");
        vars.put("modifier1", "0");
        vars.put("modifier2", "0");
        vars.put("weight", "0");
        if (unix >= 0) {
            vars.put("unix", Long.toString(unix));
        }
        var body = new ByteArrayOutputStream();
        vars.forEach((k, v) -> var(body, k, v.getBytes(StandardCharsets.ISO_8859_1)));
        if (signer != null) {
            var(body, "sign", signer.sign(body.toByteArray()));
        }
        byte[] b = body.toByteArray();
        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 224, (byte) (b.length & 0xff), (byte) (b.length >> 8), (byte) command});
        out.writeBytes(b);
        return out.toByteArray();
    }

    private int nodes(SubscriptionSigns.Checker check, byte[] packet, long now) {
        SubscriptionServer.handle(packet, new InetSocketAddress("127.0.0.1", 9), subscriptions, check, now);
        return subscriptions.order("app.example.org").size();
    }

    @Test
    void aSignedAnnounceIsTakenOnceAndItsReplayIsNot() throws Exception {
        var signer = keys("RSA", "app.example.org");
        var check = SubscriptionSigns.Checker.parse("SHA256:" + dir, 86400);
        byte[] first = packet(signer, "app.example.org", NOW, 0);
        assertEquals(1, nodes(check, first, NOW));
        assertEquals(NOW, subscriptions.lastUnix("app.example.org", "127.0.0.1:3031"));
        subscriptions.unsubscribe("app.example.org", "127.0.0.1:3031");
        assertEquals(1, nodes(check, packet(signer, "app.example.org", NOW + 10, 0), NOW + 10), "the next announce");
        assertEquals(NOW + 10, subscriptions.lastUnix("app.example.org", "127.0.0.1:3031"));
        assertEquals(1, nodes(check, packet(signer, "app.example.org", NOW + 10, 1), NOW + 11), "an unsubscribe no newer than the last: dropped");
        assertEquals(0, nodes(check, packet(signer, "app.example.org", NOW + 11, 1), NOW + 11), "a fresh signed unsubscribe");
    }

    @Test
    void tamperedStaleUnsignedOrKeylessPacketsAreDropped() throws Exception {
        var signer = keys("EC", "app.example.org");
        var check = SubscriptionSigns.Checker.parse("sha256:" + dir, 60);
        byte[] tampered = packet(signer, "app.example.org", NOW, 0);
        tampered[tampered.length - 80] ^= 1; // a byte of the signed vars or the signature
        assertEquals(0, nodes(check, tampered, NOW));
        assertEquals(0, nodes(check, packet(signer, "app.example.org", NOW - 61, 0), NOW), "older than the tolerance");
        assertEquals(0, nodes(check, packet(null, "app.example.org", NOW, 0), NOW), "not signed");
        assertEquals(0, nodes(check, packet(signer, "other.example.org", NOW, 0), NOW), "no other.example.org.pem");
        assertEquals(1, nodes(check, packet(signer, "app.example.org", NOW, 0), NOW));
        assertEquals(1, nodes(null, packet(null, "app.example.org", NOW, 0), NOW), "without the check, unsigned packets are taken");
    }
}
