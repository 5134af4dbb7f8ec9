package org.uwsgi4j.plugin.logencoder;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;

/**
 * One {@code --log-encoder} / {@code --log-req-encoder} value, {@code NAME[:LOGGER] ARGS} as
 * uWSGI splits it (the name ends at the first space, the logger binding at a colon in it):
 * {@code json:errors {"msg":"${msg}"}} is the json encoder bound to the logger named
 * {@code errors}; without a binding it applies to every logger and to the default output.
 *
 * @param option  the option it came from, for messages
 * @param value   the value as given
 * @param name    the encoder's name
 * @param logger  the logger it is bound to, or null for all
 * @param encoder the compiled encoder
 */
record EncoderSpec(String option, String value, String name, String logger, Encoder encoder) {

    /** The encoders there are, as uWSGI names them. */
    static final String NAMES = "prefix, suffix, nl, gzip, compress, format, json";

    /**
     * Parses {@code value} of {@code option}.
     *
     * @throws IllegalArgumentException with the one line to show (the option, the value, what is wrong)
     */
    static EncoderSpec parse(String option, String value, ZoneId zone) {
        int space = value.indexOf(' ');
        String head = space < 0 ? value : value.substring(0, space);
        String args = space < 0 ? "" : value.substring(space + 1);
        int colon = head.indexOf(':');
        String name = colon < 0 ? head : head.substring(0, colon);
        String logger = colon < 0 ? null : head.substring(colon + 1);
        if (logger != null && logger.isEmpty()) {
            throw new IllegalArgumentException(where(option, value) + ": an empty logger name after ':'");
        }
        byte[] text = args.getBytes(StandardCharsets.UTF_8);
        Encoder encoder;
        try {
            encoder = switch (name) {
                case "prefix" -> Affix.prefix(text);
                case "suffix" -> Affix.suffix(text);
                case "nl" -> Affix.newline();
                case "gzip" -> Deflate.gzip();
                case "compress" -> Deflate.zlib();
                case "format" -> Template.compile(args, false, zone);
                case "json" -> Template.compile(args, true, zone);
                default -> throw new IllegalArgumentException("no log encoder named \"" + name + "\" (" + NAMES + ")");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where(option, value) + ": " + e.getMessage());
        }
        return new EncoderSpec(option, value, name, logger, encoder);
    }

    private static String where(String option, String value) {
        return "--" + option + " '" + value + "'";
    }

    /** Whether this encoder applies to the logger named {@code id} (null: an unnamed logger or the default output). */
    boolean appliesTo(String id) {
        return logger == null || logger.equals(id);
    }
}
