package org.uwsgi4j.kernel.config;

import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.uwsgi4j.kernel.api.Options;

/**
 * The resolved configuration: every entry in resolution order, each with the option it is
 * bound to (or none: an unknown key kept as a placeholder, as uWSGI keeps it) and where it
 * came from. Immutable. Names given to the {@link Options} methods may be canonical names
 * or aliases.
 */
public final class ResolvedConfig implements Options {

    private final List<ResolvedEntry> list;
    private final List<String> notices;
    private final OptionCatalog catalog;

    ResolvedConfig(List<ResolvedEntry> list, List<String> notices, OptionCatalog catalog) {
        this.list = List.copyOf(list);
        this.notices = List.copyOf(notices);
        this.catalog = catalog;
    }

    /** Every entry in resolution order, with its binding and origin. */
    public List<ResolvedEntry> list() {
        return list;
    }

    /**
     * The lines uWSGI logs while reading, such as
     * {@code [uWSGI] getting INI configuration from deploy.ini}, in order.
     */
    public List<String> notices() {
        return notices;
    }

    /** The entries whose key is no declared option (placeholders excluded). */
    public List<ResolvedEntry> unknown() {
        return list.stream().filter(e -> !e.known() && !e.placeholder()).toList();
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        return list.stream()
                .<Map.Entry<String, String>>map(e -> new AbstractMap.SimpleImmutableEntry<>(e.name(), e.effectiveValue()))
                .toList();
    }

    @Override
    public Optional<String> value(String name) {
        String canonical = canonical(name);
        for (int i = list.size() - 1; i >= 0; i--) {
            if (list.get(i).name().equals(canonical)) {
                return Optional.of(list.get(i).effectiveValue());
            }
        }
        return catalog.find(name).map(OptionSpec::defaultValue);
    }

    @Override
    public List<String> values(String name) {
        String canonical = canonical(name);
        return list.stream().filter(e -> e.name().equals(canonical)).map(ResolvedEntry::effectiveValue).toList();
    }

    @Override
    public boolean isTrue(String name) {
        return value(name).map(v -> ResolvedEntry.isTrueValue(v) && !v.isEmpty()).orElse(false);
    }

    /** True when {@code name} (or an alias of it) was given at least once. */
    public boolean isSet(String name) {
        String canonical = canonical(name);
        return list.stream().anyMatch(e -> e.name().equals(canonical));
    }

    private String canonical(String name) {
        return catalog.find(name).map(OptionSpec::name).orElse(name);
    }
}
