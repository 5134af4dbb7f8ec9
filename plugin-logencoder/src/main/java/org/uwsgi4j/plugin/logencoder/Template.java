package org.uwsgi4j.plugin.logencoder;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.uwsgi4j.kernel.api.Strftime;

/**
 * uWSGI's {@code format} and {@code json} encoders: a template whose {@code ${var}} are
 * replaced, the rest copied byte for byte. Variables: {@code ${msg}} (the message without its
 * trailing newline), {@code ${msgnl}} (with it), {@code ${unix}} (epoch seconds),
 * {@code ${micros}} and {@code ${millis}} (epoch µs and ms), {@code ${strftime:FORMAT}} (the
 * local time). {@code json} escapes {@code msg}, {@code msgnl} and {@code strftime} values
 * ({@link JsonEscape}); like uWSGI's, it adds no newline (add {@code nl}, or use
 * {@code ${msgnl}} outside a string).
 *
 * <p>As uWSGI parses the template, a {@code $} not followed by {@code &#123;} and an unterminated
 * {@code ${…} are copied as text. An unknown variable is refused when the template is compiled
 * (uWSGI writes nothing for it).
 */
final class Template implements Encoder {

    private sealed interface Part permits Text, Var, Date {
    }

    private record Text(byte[] bytes) implements Part {
    }

    private enum Kind { MSG, MSGNL, UNIX, MICROS, MILLIS }

    private record Var(Kind kind) implements Part {
    }

    private record Date(Strftime pattern) implements Part {
    }

    private final Part[] parts;
    private final boolean json;
    private final ZoneId zone;
    private final int textLength;

    private Template(List<Part> parts, boolean json, ZoneId zone) {
        this.parts = parts.toArray(Part[]::new);
        this.json = json;
        this.zone = zone;
        this.textLength = parts.stream().mapToInt(p -> p instanceof Text t ? t.bytes().length : 8).sum();
    }

    /**
     * Compiles {@code template}.
     *
     * @throws IllegalArgumentException naming the unknown variable
     */
    static Template compile(String template, boolean json, ZoneId zone) {
        List<Part> parts = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            int close = c == '$' && i + 1 < template.length() && template.charAt(i + 1) == '{' ? template.indexOf('}', i + 2) : -1;
            if (close < 0) {
                text.append(c);
                i++;
                continue;
            }
            if (!text.isEmpty()) {
                parts.add(new Text(text.toString().getBytes(StandardCharsets.UTF_8)));
                text.setLength(0);
            }
            parts.add(variable(template.substring(i + 2, close)));
            i = close + 1;
        }
        if (!text.isEmpty()) {
            parts.add(new Text(text.toString().getBytes(StandardCharsets.UTF_8)));
        }
        return new Template(parts, json, zone);
    }

    private static Part variable(String name) {
        if (name.startsWith("strftime:")) {
            return new Date(Strftime.compile(name.substring("strftime:".length())));
        }
        return switch (name) {
            case "msg" -> new Var(Kind.MSG);
            case "msgnl" -> new Var(Kind.MSGNL);
            case "unix" -> new Var(Kind.UNIX);
            case "micros" -> new Var(Kind.MICROS);
            case "millis" -> new Var(Kind.MILLIS);
            default -> throw new IllegalArgumentException("unknown variable ${" + name
                    + "} (msg, msgnl, unix, micros, millis, strftime:FORMAT)");
        };
    }

    @Override
    public byte[] encode(byte[] message, long epochMicros) {
        var out = new JsonEscape.Buffer(textLength + message.length + (json ? message.length / 8 : 0));
        for (Part p : parts) {
            switch (p) {
                case Text t -> out.append(t.bytes());
                case Var v -> {
                    switch (v.kind()) {
                        case MSG -> value(message, 0, message.length > 0 && message[message.length - 1] == '\n'
                                ? message.length - 1 : message.length, out);
                        case MSGNL -> value(message, 0, message.length, out);
                        case UNIX -> out.appendAscii(Long.toString(Math.floorDiv(epochMicros, 1_000_000)));
                        case MICROS -> out.appendAscii(Long.toString(epochMicros));
                        case MILLIS -> out.appendAscii(Long.toString(Math.floorDiv(epochMicros, 1000)));
                    }
                }
                case Date d -> {
                    byte[] date = d.pattern().format(Math.floorDiv(epochMicros, 1_000_000), zone).getBytes(StandardCharsets.UTF_8);
                    value(date, 0, date.length, out);
                }
            }
        }
        return out.toArray();
    }

    private void value(byte[] b, int off, int n, JsonEscape.Buffer out) {
        if (json) {
            JsonEscape.append(b, off, n, out);
        } else {
            out.append(b, off, n);
        }
    }
}
