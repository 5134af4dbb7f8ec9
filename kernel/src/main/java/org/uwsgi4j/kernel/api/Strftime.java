package org.uwsgi4j.kernel.api;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A C {@code strftime(3)} pattern compiled once, formatting in the C/POSIX locale as uWSGI does
 * ({@code --log-date=FORMAT}, {@code %(ltime)}, {@code %(ctime)}).
 *
 * <p>Supported conversions: {@code %a %A %b %h %B %c %C %d %D %e %F %g %G %H %I %j %k %l %m %M
 * %n %p %P %r %R %s %S %t %T %u %U %V %w %W %x %X %y %Y %z %Z %%}. Anything else (an unknown
 * conversion, a trailing {@code %}) is copied literally, as glibc does.
 *
 * <p>Immutable and safe for concurrent use. Exported because plugins format uWSGI's dates too
 * (the log encoders' {@code ${strftime:FORMAT}}), and a second strftime would drift from this one.
 */
public final class Strftime {

    /** {@code ctime(3)} without its newline: {@code Sun Nov 22 03:04:56 2026}. */
    public static final Strftime CTIME = compile("%a %b %e %H:%M:%S %Y");

    /** Apache's request time, uWSGI's {@code %(ltime)}: {@code 22/Nov/2026:03:04:56 +0000}. */
    public static final Strftime APACHE = compile("%d/%b/%Y:%H:%M:%S %z");

    /** The C locale's names (glibc's strftime in the "C" locale, as a server runs): no locale data to load. */
    private static final String[] DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December"};

    private static final DateTimeFormatter ZONE_NAME = DateTimeFormatter.ofPattern("zzz", Locale.ENGLISH);

    private interface Field {
        void append(StringBuilder out, ZonedDateTime t);
    }

    private final String pattern;
    private final Field[] fields;

    private Strftime(String pattern, Field[] fields) {
        this.pattern = pattern;
        this.fields = fields;
    }

    /** Compiles {@code pattern}. */
    public static Strftime compile(String pattern) {
        List<Field> fields = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                literal.append(c);
                continue;
            }
            char conv = pattern.charAt(++i);
            Field field = conversion(conv);
            if (field == null) {
                literal.append('%').append(conv);
                continue;
            }
            if (!literal.isEmpty()) {
                String text = literal.toString();
                fields.add((out, t) -> out.append(text));
                literal.setLength(0);
            }
            fields.add(field);
        }
        if (!literal.isEmpty()) {
            String text = literal.toString();
            fields.add((out, t) -> out.append(text));
        }
        return new Strftime(pattern, fields.toArray(Field[]::new));
    }

    /** {@code ctime(3)}'s text of {@code epochSecond} in the system's zone, as uWSGI's banner shows its start: {@code Sun Dec  6 16:35:44 2026}. */
    public static String ctime(long epochSecond) {
        return CTIME.format(epochSecond, ZoneId.systemDefault());
    }

    /** The pattern as given. */
    public String pattern() {
        return pattern;
    }

    /** Formats the second {@code epochSecond} in {@code zone}. */
    public String format(long epochSecond, ZoneId zone) {
        StringBuilder out = new StringBuilder(32);
        appendTo(out, ZonedDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), zone));
        return out.toString();
    }

    /** Appends {@code t} formatted to {@code out}. */
    public void appendTo(StringBuilder out, ZonedDateTime t) {
        for (Field f : fields) {
            f.append(out, t);
        }
    }

    private static Field conversion(char c) {
        return switch (c) {
            case 'a' -> (o, t) -> o.append(DAYS[t.getDayOfWeek().ordinal()], 0, 3);
            case 'A' -> (o, t) -> o.append(DAYS[t.getDayOfWeek().ordinal()]);
            case 'b', 'h' -> (o, t) -> o.append(MONTHS[t.getMonthValue() - 1], 0, 3);
            case 'B' -> (o, t) -> o.append(MONTHS[t.getMonthValue() - 1]);
            case 'c' -> (o, t) -> CTIME.appendTo(o, t);
            case 'C' -> (o, t) -> pad(o, Math.floorDiv(t.getYear(), 100), 2, '0');
            case 'd' -> (o, t) -> pad(o, t.getDayOfMonth(), 2, '0');
            case 'D', 'x' -> (o, t) -> {
                pad(o, t.getMonthValue(), 2, '0');
                o.append('/');
                pad(o, t.getDayOfMonth(), 2, '0');
                o.append('/');
                pad(o, Math.floorMod(t.getYear(), 100), 2, '0');
            };
            case 'e' -> (o, t) -> pad(o, t.getDayOfMonth(), 2, ' ');
            case 'F' -> (o, t) -> {
                o.append(t.getYear()).append('-');
                pad(o, t.getMonthValue(), 2, '0');
                o.append('-');
                pad(o, t.getDayOfMonth(), 2, '0');
            };
            case 'g' -> (o, t) -> pad(o, Math.floorMod(t.get(IsoFields.WEEK_BASED_YEAR), 100), 2, '0');
            case 'G' -> (o, t) -> o.append(t.get(IsoFields.WEEK_BASED_YEAR));
            case 'H' -> (o, t) -> pad(o, t.getHour(), 2, '0');
            case 'I' -> (o, t) -> pad(o, hour12(t), 2, '0');
            case 'j' -> (o, t) -> pad(o, t.getDayOfYear(), 3, '0');
            case 'k' -> (o, t) -> pad(o, t.getHour(), 2, ' ');
            case 'l' -> (o, t) -> pad(o, hour12(t), 2, ' ');
            case 'm' -> (o, t) -> pad(o, t.getMonthValue(), 2, '0');
            case 'M' -> (o, t) -> pad(o, t.getMinute(), 2, '0');
            case 'n' -> (o, t) -> o.append('\n');
            case 'p' -> (o, t) -> o.append(t.getHour() < 12 ? "AM" : "PM");
            case 'P' -> (o, t) -> o.append(t.getHour() < 12 ? "am" : "pm");
            case 'r' -> (o, t) -> {
                pad(o, hour12(t), 2, '0');
                o.append(':');
                pad(o, t.getMinute(), 2, '0');
                o.append(':');
                pad(o, t.getSecond(), 2, '0');
                o.append(t.getHour() < 12 ? " AM" : " PM");
            };
            case 'R' -> (o, t) -> {
                pad(o, t.getHour(), 2, '0');
                o.append(':');
                pad(o, t.getMinute(), 2, '0');
            };
            case 's' -> (o, t) -> o.append(t.toEpochSecond());
            case 'S' -> (o, t) -> pad(o, t.getSecond(), 2, '0');
            case 't' -> (o, t) -> o.append('\t');
            case 'T', 'X' -> (o, t) -> {
                pad(o, t.getHour(), 2, '0');
                o.append(':');
                pad(o, t.getMinute(), 2, '0');
                o.append(':');
                pad(o, t.getSecond(), 2, '0');
            };
            case 'u' -> (o, t) -> o.append(t.getDayOfWeek().getValue());
            case 'U' -> (o, t) -> pad(o, (t.getDayOfYear() - 1 + 7 - sundayBased(t)) / 7, 2, '0');
            case 'V' -> (o, t) -> pad(o, t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), 2, '0');
            case 'w' -> (o, t) -> o.append(sundayBased(t));
            case 'W' -> (o, t) -> pad(o, (t.getDayOfYear() - 1 + 7 - (t.getDayOfWeek().getValue() - 1)) / 7, 2, '0');
            case 'y' -> (o, t) -> pad(o, Math.floorMod(t.getYear(), 100), 2, '0');
            case 'Y' -> (o, t) -> o.append(t.getYear());
            case 'z' -> (o, t) -> {
                int seconds = t.getOffset().getTotalSeconds();
                o.append(seconds < 0 ? '-' : '+');
                int minutes = Math.abs(seconds) / 60;
                pad(o, minutes / 60, 2, '0');
                pad(o, minutes % 60, 2, '0');
            };
            case 'Z' -> (o, t) -> o.append(ZONE_NAME.format(t));
            case '%' -> (o, t) -> o.append('%');
            default -> null;
        };
    }

    private static int hour12(ZonedDateTime t) {
        int h = t.getHour() % 12;
        return h == 0 ? 12 : h;
    }

    private static int sundayBased(ZonedDateTime t) {
        return t.getDayOfWeek().getValue() % 7;
    }

    private static void pad(StringBuilder out, int value, int width, char padding) {
        int digits = value < 10 ? 1 : value < 100 ? 2 : value < 1000 ? 3 : 4;
        for (int i = digits; i < width; i++) {
            out.append(padding);
        }
        out.append(value);
    }
}
