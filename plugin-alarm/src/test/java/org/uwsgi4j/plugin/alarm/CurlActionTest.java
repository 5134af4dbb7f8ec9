package org.uwsgi4j.plugin.alarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

class CurlActionTest {

    @Test
    void aBareUrlPostsWithTheSocketTimeout() {
        var s = CurlAction.parse("http://127.0.0.1:8080/hook?a=b", 4);
        assertEquals(URI.create("http://127.0.0.1:8080/hook?a=b"), s.url());
        assertEquals("POST", s.method());
        assertEquals(4, s.timeout());
        assertEquals(4, s.connTimeout());
        assertNull(s.authorization());
    }

    @Test
    void uwsgisKeysAfterTheUrl() {
        var s = CurlAction.parse("https://example.com/x;method=put;timeout=9;conn_timeout=2;auth_user=ops;auth_pass=s3cret", 4);
        assertEquals("PUT", s.method());
        assertEquals(9, s.timeout());
        assertEquals(2, s.connTimeout());
        assertEquals("Basic b3BzOnMzY3JldA==", s.authorization());
        assertEquals(URI.create("http://h/"), CurlAction.parse("url=http://h/", 4).url());
    }

    @Test
    void whatItCannotDoIsRefusedInOneLine() {
        assertEquals("curl alarm: mail_to is for SMTP, which uwsgi4j's curl alarm does not speak",
                assertThrows(IllegalArgumentException.class, () -> CurlAction.parse("http://h/;mail_to=a@b", 4)).getMessage());
        assertEquals("curl alarm: smtp://mail.example.com is no http:// or https:// URL (SMTP is not supported)",
                assertThrows(IllegalArgumentException.class, () -> CurlAction.parse("smtp://mail.example.com", 4)).getMessage());
        assertEquals("curl alarm: unknown option colour",
                assertThrows(IllegalArgumentException.class, () -> CurlAction.parse("http://h/;colour=red", 4)).getMessage());
        assertEquals("curl alarm: timeout=x is no number of seconds",
                assertThrows(IllegalArgumentException.class, () -> CurlAction.parse("http://h/;timeout=x", 4)).getMessage());
        assertEquals("An URL is required to trigger curl-based alarm.",
                assertThrows(IllegalArgumentException.class, () -> CurlAction.parse("", 4)).getMessage());
    }
}
