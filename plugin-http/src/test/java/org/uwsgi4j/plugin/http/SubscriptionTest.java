package org.uwsgi4j.plugin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** --subscribe-to and --subscribe2 as uWSGI writes them; what does not map is refused in one line. */
class SubscriptionTest {

    private static String refusal(Runnable parse) {
        return assertThrows(IllegalArgumentException.class, parse::run).getMessage();
    }

    @Test
    void subscribeToTakesTheKeyAfterTheSecondColonThenModifier1() {
        var s = Subscription.parseSubscribeTo("127.0.0.1:7070:app.example.org");
        assertEquals(new InetSocketAddress("127.0.0.1", 7070), s.server());
        assertEquals("app.example.org", s.key());
        assertNull(s.address());
        assertEquals(0, s.modifier1());
        var m = Subscription.parseSubscribeTo("10.0.0.1:3031=127.0.0.1:7070:app.example.org,5");
        assertEquals("10.0.0.1:3031", m.address());
        assertEquals("app.example.org", m.key());
        assertEquals(5, m.modifier1());
        assertEquals("subscribe-to 127.0.0.1:7070: expected HOST:PORT:KEY (a UDP server; the JDK has no Unix datagram sockets)",
                refusal(() -> Subscription.parseSubscribeTo("127.0.0.1:7070")));
        assertEquals("subscribe-to 127.0.0.1:7070:@keys.txt: a file of keys (:@FILE) is not supported; give one --subscribe-to per key",
                refusal(() -> Subscription.parseSubscribeTo("127.0.0.1:7070:@keys.txt")));
    }

    @Test
    void subscribe2KeysThatMap() {
        var s = Subscription.parseSubscribe2("server=127.0.0.1:7070,key=app.example.org,addr=127.0.0.1:3031,weight=4,modifier1=5,modifier2=1,check=/tmp/off");
        assertEquals(new InetSocketAddress("127.0.0.1", 7070), s.server());
        assertEquals("app.example.org", s.key());
        assertEquals("127.0.0.1:3031", s.address());
        assertEquals(4, s.weight());
        assertEquals(5, s.modifier1());
        assertEquals(1, s.modifier2());
        assertEquals(Path.of("/tmp/off"), s.check());
        assertNull(Subscription.parseSubscribe2("server=127.0.0.1:7070,key=k").address(), "no addr: the first uwsgi socket");
        assertEquals(Map.of("key", "a,b", "server", "x=y"), Subscription.keyvals("key=a\\,b,server=x=y"));
    }

    @Test
    void subscribe2RefusesWhatDoesNotMapInOneLine() {
        assertEquals("subscribe2 key=k: server= and key= are needed", refusal(() -> Subscription.parseSubscribe2("key=k")));
        assertEquals("subscribe2 server=127.0.0.1:1,key=k,sni_key=a.key: sni_key is not supported (the http router has no per-key TLS certificates)",
                refusal(() -> Subscription.parseSubscribe2("server=127.0.0.1:1,key=k,sni_key=a.key")));
        assertEquals("subscribe2 server=127.0.0.1:1,key=k,socket=1: socket=N is not supported; name the address (addr=HOST:PORT)",
                refusal(() -> Subscription.parseSubscribe2("server=127.0.0.1:1,key=k,socket=1")));
        assertEquals("subscribe2 server=127.0.0.1:1,key=k,backup=1: unknown key backup (server, key, addr, weight, modifier1, modifier2, sign, check)",
                refusal(() -> Subscription.parseSubscribe2("server=127.0.0.1:1,key=k,backup=1")));
        assertEquals("subscribe2 server=/tmp/sub.sock,key=k: server /tmp/sub.sock is not a UDP HOST:PORT (the JDK has no Unix datagram sockets)",
                refusal(() -> Subscription.parseSubscribe2("server=/tmp/sub.sock,key=k")));
        assertEquals("subscribe2 server=127.0.0.1:1,key=k,modifier1=300: modifier 300 out of range (0-255)",
                refusal(() -> Subscription.parseSubscribe2("server=127.0.0.1:1,key=k,modifier1=300")));
    }
}
