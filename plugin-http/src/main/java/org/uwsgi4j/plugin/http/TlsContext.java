package org.uwsgi4j.plugin.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * One {@code --https ADDR,CERT,KEY[,CIPHERS[,CA]]} as uWSGI writes it, made into a JSSE
 * {@link SSLContext}: CERT a PEM file (the certificate, then its chain), KEY a PEM private key
 * (PKCS#8 {@code BEGIN PRIVATE KEY}, or PKCS#1 {@code BEGIN RSA PRIVATE KEY}; RSA, EC or
 * EdDSA), CIPHERS a colon-separated list of cipher suites by their IANA names (OpenSSL's
 * cipher-string syntax does not map: refused), CA a PEM file of the certificates client
 * certificates are checked against, {@code !CA} to require one (uWSGI's convention).
 *
 * @param address    where to listen
 * @param context    the server's TLS context
 * @param parameters protocols, suites and client authentication for each connection
 */
record TlsContext(String address, SSLContext context, SSLParameters parameters) {

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    /**
     * Parses and loads {@code value}.
     *
     * @throws IllegalArgumentException with a one-line message naming the part that is wrong
     */
    static TlsContext parse(String value) {
        String[] parts = value.split(",", -1);
        if (parts.length < 3 || parts[0].isBlank() || parts[1].isBlank() || parts[2].isBlank()) {
            throw new IllegalArgumentException("https " + value + ": expected ADDR,CERT,KEY[,CIPHERS[,CA]]");
        }
        try {
            List<Certificate> chain = certificates(Path.of(parts[1].strip()));
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("https: no certificate in " + parts[1]);
            }
            PrivateKey key = privateKey(Path.of(parts[2].strip()));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", key, new char[0], chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            javax.net.ssl.TrustManager[] trust = null;
            String ca = parts.length > 4 ? parts[4].strip() : "";
            boolean need = ca.startsWith("!");
            if (need) {
                ca = ca.substring(1);
            }
            if (!ca.isEmpty()) {
                KeyStore ts = KeyStore.getInstance("PKCS12");
                ts.load(null, null);
                int i = 0;
                for (Certificate c : certificates(Path.of(ca))) {
                    ts.setCertificateEntry("ca" + i++, c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
                trust = tmf.getTrustManagers();
            }
            context.init(kmf.getKeyManagers(), trust, null);
            SSLParameters params = context.getDefaultSSLParameters();
            params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            String ciphers = parts.length > 3 ? parts[3].strip() : "";
            if (!ciphers.isEmpty()) {
                List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getCipherSuites());
                for (String suite : ciphers.split(":")) {
                    if (!supported.contains(suite)) {
                        throw new IllegalArgumentException("https: cipher suite " + suite + " is not a JSSE suite name "
                                + "(uwsgi4j takes IANA names such as TLS_AES_128_GCM_SHA256, colon-separated, not OpenSSL's cipher strings)");
                    }
                }
                params.setCipherSuites(ciphers.split(":"));
            }
            if (!ca.isEmpty()) {
                if (need) {
                    params.setNeedClientAuth(true);
                } else {
                    params.setWantClientAuth(true);
                }
            }
            return new TlsContext(parts[0].strip(), context, params);
        } catch (IOException e) {
            throw new IllegalArgumentException("https: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("https: " + e.getMessage());
        }
    }

    private static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<Certificate> out = new ArrayList<>();
        Matcher m = PEM.matcher(read(file));
        while (m.find()) {
            if (m.group(1).equals("CERTIFICATE")) {
                out.add(cf.generateCertificate(new ByteArrayInputStream(base64(m.group(2)))));
            }
        }
        return out;
    }

    /**
     * The unencrypted PEM private key in {@code file} (PKCS#8, or RSA PKCS#1), for {@code option}.
     *
     * @throws IllegalArgumentException in one line naming the option
     */
    static PrivateKey privateKeyOf(Path file, String option) {
        try {
            return privateKey(file);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage().replaceFirst("^https: ", ""));
        }
    }

    private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        Matcher m = PEM.matcher(read(file));
        while (m.find()) {
            byte[] der = base64(m.group(2));
            switch (m.group(1)) {
                case "PRIVATE KEY" -> {
                    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
                        try {
                            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                        } catch (GeneralSecurityException notThis) {
                            // try the next algorithm
                        }
                    }
                    throw new IllegalArgumentException("https: " + file + ": a private key of no supported algorithm (RSA, EC, EdDSA)");
                }
                case "RSA PRIVATE KEY" -> {
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1ToPkcs8(der)));
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("https: " + file
                        + ": an encrypted key (uwsgi4j reads unencrypted PEM keys, as uWSGI without a passphrase)");
                case "EC PRIVATE KEY" -> throw new IllegalArgumentException("https: " + file
                        + ": a SEC1 EC key; convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
                default -> {
                    // not a key block (parameters, a certificate): look further
                }
            }
        }
        throw new IllegalArgumentException("https: no PEM private key in " + file);
    }

    /** An RSA PKCS#1 key wrapped as PKCS#8: SEQUENCE { 0, { rsaEncryption, NULL }, OCTET STRING pkcs1 }. */
    static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = der((byte) 0x04, pkcs1);
        byte[] body = new byte[version.length + algorithm.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
        System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
        return der((byte) 0x30, body);
    }

    private static byte[] der(byte tag, byte[] content) {
        int n = content.length;
        byte[] len = n < 0x80 ? new byte[] {(byte) n}
                : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + len.length + n];
        out[0] = tag;
        System.arraycopy(len, 0, out, 1, len.length);
        System.arraycopy(content, 0, out, 1 + len.length, n);
        return out;
    }

    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(file + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IOException(file + ": permission denied");
        }
    }

    private static byte[] base64(String text) {
        return Base64.getMimeDecoder().decode(text);
    }

    /** The client certificate's subject (RFC 2253), or null when the client sent none. */
    static X509Certificate peer(javax.net.ssl.SSLSession session) {
        try {
            Certificate[] certs = session.getPeerCertificates();
            return certs.length > 0 && certs[0] instanceof X509Certificate x ? x : null;
        } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
            return null;
        }
    }
}
