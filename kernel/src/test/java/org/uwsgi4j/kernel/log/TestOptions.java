package org.uwsgi4j.kernel.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.uwsgi4j.kernel.api.Options;

/** {@link Options} from (name, value) pairs, for tests; a bare flag is written with value "true". */
public final class TestOptions implements Options {

    private final List<Map.Entry<String, String>> entries = new ArrayList<>();

    private TestOptions() {
    }

    /** Options from alternating names and values: {@code of("logto", "/tmp/x", "log-date", "true")}. */
    public static TestOptions of(String... namesAndValues) {
        TestOptions o = new TestOptions();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            o.entries.add(Map.entry(namesAndValues[i], namesAndValues[i + 1]));
        }
        return o;
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        return List.copyOf(entries);
    }

    @Override
    public Optional<String> value(String name) {
        return entries.reversed().stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).findFirst();
    }

    @Override
    public List<String> values(String name) {
        return entries.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).toList();
    }

    @Override
    public boolean isTrue(String name) {
        return value(name).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            default -> false;
        }).orElse(false);
    }
}
