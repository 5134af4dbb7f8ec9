package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router's TLS ({@code --https ADDR,CERT,KEY}, JSSE) with a certificate made by openssl at
 * test time, talked to with curl; {@code --http-to-https}'s redirect; a plain-HTTP client on
 * the TLS port does not stop the server; a cipher string in OpenSSL's syntax refuses the start.
 */
class HttpsIT {

    private static final Path APPS = Path.of("src/test/resources/apps/python").toAbsolutePath();

    @TempDir
    Path cwd;

    private String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    @Test
    void curlTalksTlsToTheRouterAndThePlainPortRedirects() throws Exception {
        UwsgiProcess.copyApp(APPS, "router.py", cwd);
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "key.pem",
                "-out", "cert.pem", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        try (var server = UwsgiProcess.start(cwd, "--https", "127.0.0.1:0,cert.pem,key.pem", "--http-to-https", "127.0.0.1:0",
                "--wsgi-file", "router.py")) {
            int tls = Integer.parseInt(server.awaitLine("uWSGI https bound on 127\\.0\\.0\\.1:(\\d+)", UwsgiProcess.START_TIMEOUT).group(1));
            int plain = Integer.parseInt(server.awaitLine("uWSGI http \\(to https\\) bound on 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);

            String env = run("curl", "-sS", "--cacert", "cert.pem", "https://127.0.0.1:" + tls + "/env?q=1");
            for (String line : new String[] {"HTTPS=on", "SERVER_PORT=" + tls, "REQUEST_URI=/env?q=1", "UWSGI_ROUTER=http"}) {
                assertTrue(env.contains(line + "\n"), line + " expected in:\n" + env);
            }
            String head = run("curl", "-sS", "-o", "/dev/null", "-D", "-", "http://127.0.0.1:" + plain + "/env?q=1");
            assertTrue(head.startsWith("HTTP/1.1 301 Moved Permanently"), head);
            assertTrue(head.contains("Location: https://127.0.0.1/env?q=1"), head);

            // a plain-HTTP client on the TLS port gets no answer it can read; the server goes on
            List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-m", "10", "http://127.0.0.1:" + tls + "/"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertNotEquals(0, p.exitValue());
            assertEquals("Hello World", run("curl", "-sS", "--cacert", "cert.pem", "https://localhost:" + tls + "/"));
        }
    }

    @Test
    void anOpensslCipherStringRefusesTheStartInOneLine() throws Exception {
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "key.pem",
                "-out", "cert.pem", "-days", "1", "-subj", "/CN=localhost");
        var result = UwsgiProcess.run(cwd, "--https", "127.0.0.1:0,cert.pem,key.pem,HIGH", "--plugins", "echo");
        assertNotEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("!!! UNABLE to start uWSGI plugin http: https: cipher suite HIGH is not a JSSE suite name"),
                result.output());
    }
}
