package org.uwsgi4j.plugin.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --https}'s value: its parts, its files, the cipher suites; an RSA PKCS#1 key. */
class TlsContextTest {

    @TempDir
    Path dir;

    private static String message(String value) {
        return assertThrows(IllegalArgumentException.class, () -> TlsContext.parse(value)).getMessage();
    }

    @Test
    void aValueWithoutCertAndKeyOrWithMissingFilesIsRefusedInOneLine() throws Exception {
        assertEquals("https :8443: expected ADDR,CERT,KEY[,CIPHERS[,CA]]", message(":8443"));
        assertEquals("https :8443,cert.pem: expected ADDR,CERT,KEY[,CIPHERS[,CA]]", message(":8443,cert.pem"));
        assertTrue(message(":8443," + dir.resolve("none.pem") + ",k.pem").endsWith("none.pem: no such file"));
        Files.writeString(dir.resolve("empty.pem"), "nothing here\n");
        assertEquals("https: no certificate in " + dir.resolve("empty.pem"),
                message(":8443," + dir.resolve("empty.pem") + "," + dir.resolve("empty.pem")));
    }

    @Test
    void anRsaPkcs1KeyIsWrappedAsThePkcs8ItCameFrom() throws Exception {
        var gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(1024);
        byte[] pkcs8 = gen.generateKeyPair().getPrivate().getEncoded();
        // PKCS#8: SEQUENCE { INTEGER 0, AlgorithmIdentifier (15 bytes), OCTET STRING { PKCS#1 } }
        int at = 2 + (pkcs8[1] & 0x7f) * ((pkcs8[1] & 0x80) != 0 ? 1 : 0) + 3 + 15;
        int lenBytes = (pkcs8[at + 1] & 0x80) != 0 ? pkcs8[at + 1] & 0x7f : 0;
        byte[] pkcs1 = Arrays.copyOfRange(pkcs8, at + 2 + lenBytes, pkcs8.length);
        assertArrayEquals(pkcs8, TlsContext.pkcs1ToPkcs8(pkcs1));
    }
}
