package org.uwsgi4j.plugin.logencoder;

/**
 * uWSGI's {@code prefix}, {@code suffix} and {@code nl} encoders: text before or after the
 * message as it is (so a {@code suffix} of the first link follows the line's newline, as in
 * uWSGI; {@code nl} appends a newline).
 */
final class Affix implements Encoder {

    private final byte[] before;
    private final byte[] after;

    private Affix(byte[] before, byte[] after) {
        this.before = before;
        this.after = after;
    }

    static Affix prefix(byte[] text) {
        return new Affix(text, new byte[0]);
    }

    static Affix suffix(byte[] text) {
        return new Affix(new byte[0], text);
    }

    static Affix newline() {
        return new Affix(new byte[0], new byte[] {'\n'});
    }

    @Override
    public byte[] encode(byte[] message, long epochMicros) {
        byte[] out = new byte[before.length + message.length + after.length];
        System.arraycopy(before, 0, out, 0, before.length);
        System.arraycopy(message, 0, out, before.length, message.length);
        System.arraycopy(after, 0, out, before.length + message.length, after.length);
        return out;
    }
}
