package org.uwsgi4j.plugin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.api.Options;

/** The router's options read once: defaults as the option table gives them, values refused in one line. */
class RouterSettingsTest {

    /** Options as the kernel gives them: the values given, else the table's default (here the few the router reads). */
    private static Options options(String... pairs) {
        Map<String, String> defaults = Map.of("http-timeout", "60", "http-gracetime", "30", "buffer-size", "4096",
                "http-post-buffering", "65536", "http-modifier1", "0", "http-modifier2", "0", "subscription-tolerance", "17",
                "subscriptions-sign-check-tolerance", "86400");
        List<Map.Entry<String, String>> given = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            given.add(Map.entry(pairs[i], pairs[i + 1]));
        }
        return new Options() {
            @Override
            public List<Map.Entry<String, String>> entries() {
                return given;
            }

            @Override
            public Optional<String> value(String name) {
                List<String> v = values(name);
                return v.isEmpty() ? Optional.ofNullable(defaults.get(name)) : Optional.of(v.getLast());
            }

            @Override
            public List<String> values(String name) {
                return given.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).toList();
            }

            @Override
            public boolean isTrue(String name) {
                return values(name).stream().anyMatch(v -> v.equals("true") || v.equals("1"));
            }
        };
    }

    private static String refusal(String... pairs) {
        return assertThrows(IllegalArgumentException.class, () -> RouterSettings.from(options(pairs), "vm")).getMessage();
    }

    @Test
    void defaultsAndTheTimeoutsThatDefaultToHttpTimeout() {
        var s = RouterSettings.from(options("http", ":8080", "http-timeout", "7", "http-connect-timeout", "2"), "vm");
        assertEquals(List.of(":8080"), s.binds());
        assertEquals(Duration.ofSeconds(7), s.timeout());
        assertEquals(Duration.ofSeconds(7), s.headersTimeout());
        assertEquals(Duration.ofSeconds(2), s.connectTimeout());
        assertTrue(s.keepAlive());
        assertEquals(Duration.ofSeconds(7), s.idleTimeout());
        assertEquals(Duration.ofSeconds(30), s.gracetime());
        assertEquals(4096, s.bufferSize());
    }

    @Test
    void httpKeepaliveAsUwsgiReadsIt() {
        assertFalse(RouterSettings.from(options("http-keepalive", "0"), "vm").keepAlive());
        assertEquals(Duration.ofSeconds(15), RouterSettings.from(options("http-keepalive", "15"), "vm").idleTimeout());
        assertTrue(RouterSettings.from(options("http-keepalive", "true"), "vm").keepAlive());
        assertEquals("http-keepalive x: not a number of seconds", refusal("http-keepalive", "x"));
    }

    @Test
    void varsKeepTheirEqualsSignsAndBadValuesAreRefused() {
        var s = RouterSettings.from(options("http-var", "A=b=c", "http-var", "EMPTY="), "vm");
        assertEquals(List.of(Map.entry("A", "b=c"), Map.entry("EMPTY", "")), s.vars());
        assertEquals("http-var NOEQUALS: not KEY=VALUE", refusal("http-var", "NOEQUALS"));
        assertEquals("http-modifier1/http-modifier2 300 out of range (0-255)", refusal("http-modifier1", "300"));
        assertEquals("http-timeout 0: must be at least 1 second", refusal("http-timeout", "0"));
        assertEquals("subscriptions-sign-check sha256: expected DIGEST:DIRECTORY", refusal("subscriptions-sign-check", "sha256"));
        assertEquals("subscriptions-sign-check: unknown digest whirl (md5, sha1, sha224, sha256, sha384, sha512)",
                refusal("subscriptions-sign-check", "whirl:/tmp"));
        assertEquals("subscriptions-sign-check-tolerance -1: must be >= 0",
                refusal("subscriptions-sign-check", "sha1:/tmp", "subscriptions-sign-check-tolerance", "-1"));
        assertTrue(RouterSettings.from(options("subscriptions-sign-check", "SHA256:/tmp"), "vm").signCheck() != null);
    }

    @Test
    void theHeadsTimeoutTheHeadSizeAndTheCertificateExportAreTheirOptions() {
        var s = RouterSettings.from(options("http", ":8080", "http-headers-timeout", "3", "http-buffer-size", "8192",
                "https-export-cert", "true"), "vm");
        assertEquals(Duration.ofSeconds(3), s.headersTimeout());
        assertEquals(8192, s.bufferSize());
        assertTrue(s.exportCert());
        assertFalse(RouterSettings.from(options("http", ":8080"), "vm").exportCert());
    }
}
