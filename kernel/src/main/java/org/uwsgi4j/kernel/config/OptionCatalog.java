package org.uwsgi4j.kernel.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every option this instance knows: the kernel's and those of every available plugin, looked
 * up by canonical name, alias or short flag. Immutable once built.
 *
 * <p>When two plugins declare the same name, the first one added wins (the kernel is added
 * first), as uWSGI resolves options in plugin order.
 *
 * <p>It also knows the names of real uWSGI's options that no bundle declares ({@link
 * UwsgiOptionNames}): such a key is refused as not supported yet, never taken for a typo.
 */
public final class OptionCatalog {

    private final List<OptionSpec> all = new ArrayList<>();
    private final Map<String, OptionSpec> byName = new HashMap<>();
    private final Map<Character, OptionSpec> byShort = new HashMap<>();
    private final Set<String> uwsgiNames;

    /** A catalog of {@code specs}, in order, that knows no other uWSGI option name. */
    public OptionCatalog(Collection<OptionSpec> specs) {
        this(specs, List.of());
    }

    /** A catalog of {@code specs}, in order, and of uWSGI's other option names {@code uwsgiNames}. */
    public OptionCatalog(Collection<OptionSpec> specs, Collection<String> uwsgiNames) {
        this.uwsgiNames = Set.copyOf(new HashSet<>(uwsgiNames));
        for (OptionSpec spec : specs) {
            all.add(spec);
            byName.putIfAbsent(spec.name(), spec);
            for (String alias : spec.aliases()) {
                byName.putIfAbsent(alias, spec);
            }
            if (spec.shortFlag() != 0) {
                byShort.putIfAbsent(spec.shortFlag(), spec);
            }
        }
    }

    /** The spec named {@code name}, canonically or by alias. */
    public Optional<OptionSpec> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** True when {@code name} is a real uWSGI option that no bundle declares (not supported yet). */
    public boolean undeclaredUwsgiOption(String name) {
        return uwsgiNames.contains(name) && !byName.containsKey(name);
    }

    /** The spec whose short flag is {@code flag}. */
    public Optional<OptionSpec> byShortFlag(char flag) {
        return Optional.ofNullable(byShort.get(flag));
    }

    /** Every spec, in the order added. */
    public List<OptionSpec> all() {
        return List.copyOf(all);
    }

    /** The specs owned by {@code owner}, in order. */
    public List<OptionSpec> ownedBy(String owner) {
        return all.stream().filter(s -> s.owner().equals(owner)).toList();
    }
}
