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
 * the TLS port does not stop the server; a cipher string in OpenSSL's syntax refuses the start;
 * a client certificate reaches a real uWSGI backend as uWSGI's router passes it
 * (HTTPS_CLIENT_CERTIFICATE, the raw DER; HTTPS_DN).
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

    private static int freePort() throws Exception {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aClientCertificateReachesARealUwsgiBackendAsDer() throws Exception {
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "key.pem",
                "-out", "cert.pem", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1");
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key",
                "-out", "ca.pem", "-days", "1", "-subj", "/CN=test ca");
        run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "client.key",
                "-out", "client.csr", "-subj", "/O=Example/CN=client");
        run("openssl", "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.pem",
                "-days", "1");
        run("openssl", "x509", "-in", "client.pem", "-outform", "DER", "-out", "client.der");
        java.nio.file.Files.writeString(cwd.resolve("cert.py"), """
                import hashlib
                def application(environ, start_response):
                    der = environ.get('HTTPS_CLIENT_CERTIFICATE', '').encode('latin-1')
                    body = ('%s %d %s' % (hashlib.sha256(der).hexdigest(), len(der), environ.get('HTTPS_DN'))).encode()
                    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
                    return [body]
                """);
        int node = freePort();
        int own = freePort();
        try (var backend = UwsgiProcess.startProgram(cwd, "uwsgi", "--plugin", "python3", "--socket", "127.0.0.1:" + node,
                "--wsgi-file", "cert.py", "--master", "--die-on-term");
             // round-robin: the real uWSGI backend, then this instance's own socket, which drops the binary var
             var router = UwsgiProcess.start(cwd, "--https", "127.0.0.1:0,cert.pem,key.pem,,!ca.pem", "--http-to", "127.0.0.1:" + node,
                     "--http-to", "127.0.0.1:" + own, "--socket", "127.0.0.1:" + own, "--wsgi-file", "cert.py")) {
            backend.awaitLine("WSGI app 0 \\(mountpoint=''\\) ready", UwsgiProcess.START_TIMEOUT);
            int tls = Integer.parseInt(router.awaitLine("uWSGI https bound on 127\\.0\\.0\\.1:(\\d+)", UwsgiProcess.START_TIMEOUT).group(1));
            router.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            var seen = new java.util.HashSet<String>();
            for (int i = 0; i < 2; i++) {
                seen.add(run("curl", "-sS", "--cacert", "cert.pem", "--cert", "client.pem", "--key", "client.key",
                        "https://127.0.0.1:" + tls + "/"));
            }
            byte[] der = java.nio.file.Files.readAllBytes(cwd.resolve("client.der"));
            var sha = java.util.HexFormat.of();
            var digest = java.security.MessageDigest.getInstance("SHA-256");
            assertEquals(java.util.Set.of(sha.formatHex(digest.digest(der)) + " " + der.length + " CN=client,O=Example",
                    sha.formatHex(digest.digest(new byte[0])) + " 0 CN=client,O=Example"), seen,
                    "real uWSGI passes the DER on; a uwsgi4j socket drops it and serves the request");
        }
    }
}
