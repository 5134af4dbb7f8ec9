package org.uwsgi4j.plugin.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.api.Request;
import org.uwsgi4j.kernel.api.Response;

class EchoRuntimeTest {

    @Test
    void answersVarsThenBody() throws Exception {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("REQUEST_METHOD", "POST");
        vars.put("PATH_INFO", "/x");
        byte[] body = "hello\0world".getBytes(StandardCharsets.ISO_8859_1);
        var out = new ByteArrayOutputStream();
        String[] status = new String[1];
        List<Map.Entry<String, String>>[] headers = new List[1];
        new EchoRuntime().handle(new Request() {
            public int modifier1() { return 101; }
            public int modifier2() { return 0; }
            public Map<String, String> vars() { return vars; }
            public InputStream body() { return new ByteArrayInputStream(body); }
        }, new Response() {
            public void start(String s, List<Map.Entry<String, String>> h) { status[0] = s; headers[0] = h; }
            public OutputStream body() { return out; }
        });
        String expected = "REQUEST_METHOD: POST\nPATH_INFO: /x\n\nhello\0world";
        assertEquals("200 OK", status[0]);
        assertEquals(expected, out.toString(StandardCharsets.ISO_8859_1));
        assertEquals(Map.entry("Content-Length", String.valueOf(expected.length())), headers[0].get(1));
    }
}
