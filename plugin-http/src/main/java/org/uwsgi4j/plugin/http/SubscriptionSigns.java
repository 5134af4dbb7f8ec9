package org.uwsgi4j.plugin.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signed subscription packets, as uWSGI's {@code core/subscription.c} signs and checks them, with
 * the JDK's crypto instead of OpenSSL:
 *
 * <pre>
 *  node:   vars (key, address, …) + unix=NOW+CMD ─▶ sign those bytes (DIGEST with its private key) ─▶ + sign=SIGNATURE
 *  server: the bytes before the sign var ─▶ verify with DIR/KEY.pem (the key's public key) ─▶ unix fresh? ─▶ accepted
 * </pre>
 *
 * The signature is PKCS#1 v1.5 for an RSA key (OpenSSL's {@code EVP_SignFinal}; the JDK's
 * {@code SHA256withRSA}), DER ECDSA for an EC key. The server takes a packet only when its
 * {@code unix} time is no older than {@code --subscriptions-sign-check-tolerance} seconds and
 * newer than the last one it took from that node (a replayed packet is older).
 */
final class SubscriptionSigns {

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private SubscriptionSigns() {
    }

    /** The JDK's name of OpenSSL's digest {@code name} ({@code sha256}, {@code SHA1} …). */
    static String digest(String name, String option) {
        return switch (name.strip().toLowerCase(Locale.ROOT).replace("-", "")) {
            case "md5" -> "MD5";
            case "sha1" -> "SHA1";
            case "sha224" -> "SHA224";
            case "sha256" -> "SHA256";
            case "sha384" -> "SHA384";
            case "sha512" -> "SHA512";
            default -> throw new IllegalArgumentException(option + ": unknown digest " + name + " (md5, sha1, sha224, sha256, sha384, sha512)");
        };
    }

    /** A {@link Signature} of {@code digest} for a key of {@code algorithm} (RSA or EC). */
    static Signature signature(String digest, String algorithm, String where) throws GeneralSecurityException {
        return switch (algorithm) {
            case "RSA" -> Signature.getInstance(digest + "withRSA");
            case "EC" -> Signature.getInstance(digest + "withECDSA");
            default -> throw new IllegalArgumentException(where + ": a " + algorithm + " key (RSA or EC keys sign subscriptions)");
        };
    }

    /** The node's side: {@code DIGEST:KEYFILE} (uWSGI's {@code sign}), its private key loaded once. */
    record Signer(String digest, PrivateKey key) {

        /** @throws IllegalArgumentException in one line naming the option */
        static Signer parse(String value, String option) {
            int colon = value.indexOf(':');
            if (colon <= 0 || colon == value.length() - 1) {
                throw new IllegalArgumentException(option + " sign " + value + ": expected DIGEST:PEMFILE");
            }
            String digest = SubscriptionSigns.digest(value.substring(0, colon), option);
            PrivateKey key = TlsContext.privateKeyOf(Path.of(value.substring(colon + 1)), option);
            try {
                signature(digest, key.getAlgorithm(), option);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(option + ": " + e.getMessage());
            }
            return new Signer(digest, key);
        }

        /** The signature of {@code data}. */
        byte[] sign(byte[] data) {
            try {
                Signature s = signature(digest, key.getAlgorithm(), "sign");
                s.initSign(key);
                s.update(data);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot sign the subscription: " + e.getMessage(), e);
            }
        }
    }

    /**
     * The server's side ({@code --subscriptions-sign-check DIGEST:DIR}): the public key of a
     * subscription key KEY is {@code DIR/KEY.pem} (uWSGI's name: characters other than letters,
     * digits, {@code .-_} become {@code _}), read when the key's first packet comes and kept.
     */
    static final class Checker {
        private final String digest;
        private final Path dir;
        private final long toleranceSeconds;
        private final Map<String, PublicKey> keys = new ConcurrentHashMap<>();
        /** When each kind of refusal was last logged (epoch seconds): a node announces every few seconds. */
        private final Map<String, Long> logged = new ConcurrentHashMap<>();

        Checker(String digest, Path dir, long toleranceSeconds) {
            this.digest = digest;
            this.dir = dir;
            this.toleranceSeconds = toleranceSeconds;
        }

        /** @throws IllegalArgumentException in one line */
        static Checker parse(String value, long toleranceSeconds) {
            int colon = value.indexOf(':');
            if (colon <= 0 || colon == value.length() - 1) {
                throw new IllegalArgumentException("subscriptions-sign-check " + value + ": expected DIGEST:DIRECTORY");
            }
            Path dir = Path.of(value.substring(colon + 1));
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("subscriptions-sign-check " + value + ": " + dir + " is not a directory");
            }
            return new Checker(digest(value.substring(0, colon), "subscriptions-sign-check"), dir, toleranceSeconds);
        }

        /**
         * Why the packet of {@code key} must be dropped, or null when it may be taken.
         *
         * @param signed   the bytes the node signed: the vars block up to the {@code sign} var (null: no sign var)
         * @param sign     the signature
         * @param unix     the packet's {@code unix} time (-1: none)
         * @param lastUnix the last {@code unix} taken from this node (-1: none)
         * @param now      the time now, epoch seconds
         */
        String refusal(String key, byte[] signed, byte[] sign, long unix, long lastUnix, long now) {
            if (signed == null || sign == null || unix < 0) {
                return "not signed";
            }
            PublicKey publicKey;
            try {
                publicKey = keys.computeIfAbsent(key.toLowerCase(Locale.ROOT), k -> load(key));
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
            try {
                Signature s = signature(digest, publicKey.getAlgorithm(), "subscriptions-sign-check");
                s.initVerify(publicKey);
                s.update(signed);
                if (!s.verify(sign)) {
                    return "bad signature";
                }
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                return "bad signature (" + e.getMessage() + ")";
            }
            if (unix < now - toleranceSeconds) {
                return "invalid (sniffed ?) packet: unix_check " + unix + " is older than " + toleranceSeconds + " seconds";
            }
            if (unix <= lastUnix) {
                return "invalid (sniffed ?) packet: unix_check " + unix + " is not newer than the node's last " + lastUnix;
            }
            return null;
        }

        /** Whether a refusal of this {@code kind} was not logged in the minute before {@code now} (it is then due). */
        boolean firstIn(String kind, long now) {
            if (logged.size() > 1024) {
                logged.clear(); // bounded: a flood of made-up keys cannot grow it
            }
            Long last = logged.get(kind);
            if (last != null && now - last < 60) {
                return false;
            }
            logged.put(kind, now);
            return true;
        }

        private PublicKey load(String key) {
            StringBuilder name = new StringBuilder(key.length());
            for (char c : key.toCharArray()) {
                name.append(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '.' || c == '-' || c == '_' ? c : '_');
            }
            Path file = dir.resolve(name + ".pem");
            String text;
            try {
                text = Files.readString(file, StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new IllegalArgumentException("no public key " + file);
            }
            Matcher m = PEM.matcher(text);
            while (m.find()) {
                if (m.group(1).equals("PUBLIC KEY")) {
                    byte[] der = Base64.getMimeDecoder().decode(m.group(2));
                    for (String algorithm : new String[] {"RSA", "EC"}) {
                        try {
                            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
                        } catch (GeneralSecurityException notThis) {
                            // try the next algorithm
                        }
                    }
                }
            }
            throw new IllegalArgumentException("no RSA or EC PUBLIC KEY in " + file);
        }
    }
}
