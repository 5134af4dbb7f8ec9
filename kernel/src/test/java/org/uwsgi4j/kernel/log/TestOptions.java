package org.uwsgi4j.kernel.log;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.config.OptionCatalog;
import org.uwsgi4j.kernel.config.OptionSpec;
import org.uwsgi4j.kernel.config.OptionSpecReader;

/**
 * {@link Options} from (name, value) pairs, for tests; a bare flag is written with value "true".
 * An option not given has the default the kernel's option table declares, as in a real instance.
 */
public final class TestOptions implements Options {

    private static final OptionCatalog KERNEL_OPTIONS = kernelOptions();

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
        return entries.reversed().stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).findFirst()
                .or(() -> KERNEL_OPTIONS.find(name).map(OptionSpec::defaultValue));
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

    private static OptionCatalog kernelOptions() {
        try (InputStream in = TestOptions.class.getResourceAsStream("/OSGI-INF/uwsgi4j/options")) {
            return new OptionCatalog(OptionSpecReader.read(in, OptionSpec.CORE, "kernel options"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
