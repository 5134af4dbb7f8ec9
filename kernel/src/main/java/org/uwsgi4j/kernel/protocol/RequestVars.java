package org.uwsgi4j.kernel.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The variables of one request (CGI/uwsgi vars) as one growable latin-1 blob:
 *
 * <pre>
 *   KEY \0 VALUE \0 KEY \0 VALUE \0 ...        blob()[0 .. blobLength())
 * </pre>
 *
 * The blob is what the worker protocol sends as is: a worker splits it with one C-level call
 * ({@code blob.split(b"\0")}), so keys and values never contain a NUL byte (the parsers refuse
 * such requests). Besides the blob it keeps the number of variables and the size the same
 * variables take in a uwsgi vars block ({@code 2 + klen + 2 + vlen} each), which is the
 * {@code M} of uWSGI's request log {@code {N vars in M bytes}}; uWSGI's {@code N} counts keys
 * and values separately, see {@link #uwsgiVarCount()}.
 *
 * <p>Parsers append without creating Strings: {@link #beginKey()}, {@link #append} bytes,
 * {@link #endKey()}, {@link #append} bytes, {@link #endValue()}. Every byte is copied once, into
 * the blob. One instance is meant to be reused per connection with {@link #clear()}. Not
 * thread-safe.
 */
public final class RequestVars {

    private static final int NO_VAR = -1;

    private byte[] blob;
    private int length;
    private int count;
    private int blockSize;
    private int keyStart = NO_VAR;
    private int valueStart = NO_VAR;

    /** An empty set with room for a typical request. */
    public RequestVars() {
        this(1024);
    }

    /** An empty set with an initial blob capacity of {@code capacity} bytes. */
    public RequestVars(int capacity) {
        blob = new byte[Math.max(capacity, 16)];
    }

    /** Forgets every variable, keeping the allocated blob. */
    public void clear() {
        length = 0;
        count = 0;
        blockSize = 0;
        keyStart = NO_VAR;
        valueStart = NO_VAR;
    }

    /** The number of variables (key/value pairs). */
    public int count() {
        return count;
    }

    /** The variable count as uWSGI logs it in {@code {N vars in M bytes}}: keys and values counted apart. */
    public int uwsgiVarCount() {
        return 2 * count;
    }

    /** The size of these variables as a uwsgi vars block: the sum of {@code 2 + klen + 2 + vlen}. */
    public int uwsgiBlockSize() {
        return blockSize;
    }

    /** The backing array; its first {@link #blobLength()} bytes are the blob. Do not modify. */
    public byte[] blob() {
        return blob;
    }

    /** The length of the blob in bytes. */
    public int blobLength() {
        return length;
    }

    /** Appends one variable given as latin-1 strings (characters above U+00FF become '?'). */
    public void add(String key, String value) {
        beginKey();
        appendLatin1(key);
        endKey();
        appendLatin1(value);
        endValue();
    }

    /** Appends one variable given as byte arrays. */
    public void add(byte[] key, byte[] value) {
        add(key, 0, key.length, value, 0, value.length);
    }

    /** Appends one variable given as byte ranges. */
    public void add(byte[] key, int keyOff, int keyLen, byte[] value, int valueOff, int valueLen) {
        beginKey();
        append(key, keyOff, keyLen);
        endKey();
        append(value, valueOff, valueLen);
        endValue();
    }

    /** Starts a variable: the bytes appended next are its key. */
    public void beginKey() {
        if (keyStart != NO_VAR) {
            throw new IllegalStateException("previous variable not ended");
        }
        keyStart = length;
    }

    /** Ends the key: the bytes appended next are the value. */
    public void endKey() {
        if (keyStart == NO_VAR || valueStart != NO_VAR) {
            throw new IllegalStateException("no key begun");
        }
        put((byte) 0);
        valueStart = length;
    }

    /** Ends the value, and with it the variable. */
    public void endValue() {
        if (valueStart == NO_VAR) {
            throw new IllegalStateException("no key ended");
        }
        int keyLen = valueStart - 1 - keyStart;
        int valueLen = length - valueStart;
        put((byte) 0);
        count++;
        blockSize += 4 + keyLen + valueLen;
        keyStart = NO_VAR;
        valueStart = NO_VAR;
    }

    /** Drops a variable begun but not ended (after a parse error). */
    public void abandon() {
        if (keyStart != NO_VAR) {
            length = keyStart;
            keyStart = NO_VAR;
            valueStart = NO_VAR;
        }
    }

    /** Whether the key of the variable being built (its value begun) is {@code key}. */
    boolean pendingKeyIs(byte[] key) {
        if (valueStart == NO_VAR || valueStart - 1 - keyStart != key.length) {
            return false;
        }
        return java.util.Arrays.equals(blob, keyStart, keyStart + key.length, key, 0, key.length);
    }

    /** The number of bytes appended to the key or value being built. */
    int pendingLength() {
        return valueStart != NO_VAR ? length - valueStart : keyStart != NO_VAR ? length - keyStart : 0;
    }

    /** Appends one byte to the key or value being built. */
    public void append(byte b) {
        put(b);
    }

    /** Appends a byte range to the key or value being built. */
    public void append(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, blob, length, len);
        length += len;
    }

    /** Appends the next {@code len} bytes of {@code src} (advancing its position). */
    public void append(ByteBuffer src, int len) {
        ensure(len);
        src.get(blob, length, len);
        length += len;
    }

    /** Appends a string as latin-1 (characters above U+00FF become '?'). */
    public void appendLatin1(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            blob[length++] = c <= 0xff ? (byte) c : (byte) '?';
        }
    }

    /** Appends a non-negative number in decimal (for CONTENT_LENGTH), creating no String. */
    public void appendDecimal(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative: " + value);
        }
        int digits = 1;
        for (long v = value / 10; v > 0; v /= 10) {
            digits++;
        }
        ensure(digits);
        long v = value;
        for (int i = length + digits - 1; i >= length; i--) {
            blob[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        length += digits;
    }

    private void put(byte b) {
        if (length == blob.length) {
            ensure(1);
        }
        blob[length++] = b;
    }

    private void ensure(int more) {
        if (length + more > blob.length) {
            blob = Arrays.copyOf(blob, Math.max(blob.length * 2, length + more));
        }
    }

    /**
     * The value of {@code key} as a latin-1 string, or {@code null}. When a key occurs more than
     * once the last one wins, as in the worker's dictionary. Scans the blob; meant for the few
     * variables the kernel reads itself.
     */
    public String get(String key) {
        int at = valueOffset(key);
        if (at < 0) {
            return null;
        }
        return new String(blob, at, valueEnd(at) - at, StandardCharsets.ISO_8859_1);
    }

    /** Whether {@code key} is set. */
    public boolean contains(String key) {
        return valueOffset(key) >= 0;
    }

    /**
     * CONTENT_LENGTH read the way uWSGI reads it: the leading decimal digits of the value, 0 when
     * the variable is missing or starts with something else. Creates no String.
     */
    public long contentLength() {
        int at = valueOffset("CONTENT_LENGTH");
        if (at < 0) {
            return 0;
        }
        long value = 0;
        for (int i = at; i < length; i++) {
            int d = blob[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            if (value > (Long.MAX_VALUE - d) / 10) {
                return Long.MAX_VALUE;
            }
            value = value * 10 + d;
        }
        return value;
    }

    /**
     * The offset in the {@link #blob} of the last value for {@code key}, or -1; the value ends at
     * {@link #valueEnd}. For the few variables the kernel reads without creating a String.
     */
    public int valueOffset(String key) {
        int found = -1;
        int keyLen = key.length();
        int pos = 0;
        for (int v = 0; v < count; v++) {
            int keyEnd = valueEnd(pos);
            if (keyEnd - pos == keyLen && sameLatin1(pos, key)) {
                found = keyEnd + 1;
            }
            pos = valueEnd(keyEnd + 1) + 1;
        }
        return found;
    }

    private boolean sameLatin1(int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            if ((blob[at + i] & 0xff) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The offset of the NUL that ends the key or value starting at {@code from}. */
    public int valueEnd(int from) {
        int i = from;
        while (blob[i] != 0) {
            i++;
        }
        return i;
    }

    /** A snapshot as an insertion-ordered map of latin-1 strings (for a repeated key the last value wins). */
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        int pos = 0;
        for (int v = 0; v < count; v++) {
            int keyEnd = valueEnd(pos);
            int valueEnd = valueEnd(keyEnd + 1);
            map.put(new String(blob, pos, keyEnd - pos, StandardCharsets.ISO_8859_1),
                    new String(blob, keyEnd + 1, valueEnd - keyEnd - 1, StandardCharsets.ISO_8859_1));
            pos = valueEnd + 1;
        }
        return map;
    }

    /**
     * Writes the variables as a uwsgi vars block (16-bit little-endian key length, key, 16-bit
     * little-endian value length, value, ...) at {@code dst}'s position.
     *
     * @return the number of bytes written, {@link #uwsgiBlockSize()}
     * @throws IllegalStateException when the block would exceed 65535 bytes
     * @throws java.nio.BufferOverflowException when {@code dst} has too little room
     */
    public int writeUwsgiBlock(ByteBuffer dst) {
        if (blockSize > 0xffff) {
            throw new IllegalStateException("uwsgi vars block of " + blockSize + " bytes exceeds 65535");
        }
        ByteOrder order = dst.order();
        dst.order(ByteOrder.LITTLE_ENDIAN);
        int pos = 0;
        for (int v = 0; v < count; v++) {
            int keyEnd = valueEnd(pos);
            int valueEnd = valueEnd(keyEnd + 1);
            dst.putShort((short) (keyEnd - pos)).put(blob, pos, keyEnd - pos);
            dst.putShort((short) (valueEnd - keyEnd - 1)).put(blob, keyEnd + 1, valueEnd - keyEnd - 1);
            pos = valueEnd + 1;
        }
        dst.order(order);
        return blockSize;
    }

    /** Writes a whole uwsgi packet: the 4-byte header (modifier1, block size, modifier2) and the vars block. */
    public int writeUwsgiPacket(int modifier1, int modifier2, ByteBuffer dst) {
        if (blockSize > 0xffff) {
            throw new IllegalStateException("uwsgi vars block of " + blockSize + " bytes exceeds 65535");
        }
        dst.put((byte) modifier1).put((byte) blockSize).put((byte) (blockSize >>> 8)).put((byte) modifier2);
        return 4 + writeUwsgiBlock(dst);
    }

    /** As uWSGI's request log shows them: {@code {N vars in M bytes}}. */
    @Override
    public String toString() {
        return "{" + uwsgiVarCount() + " vars in " + blockSize + " bytes}";
    }
}
