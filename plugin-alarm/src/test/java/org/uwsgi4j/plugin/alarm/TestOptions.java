package org.uwsgi4j.plugin.alarm;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.uwsgi4j.kernel.api.Options;

/** Options from (name, value) pairs, in order, canonical names as the kernel gives them. */
final class TestOptions implements Options {

    private final List<Map.Entry<String, String>> entries = new ArrayList<>();

    TestOptions(String... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            entries.add(new AbstractMap.SimpleEntry<>(pairs[i], pairs[i + 1]));
        }
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        return entries;
    }

    @Override
    public Optional<String> value(String name) {
        List<String> v = values(name);
        return v.isEmpty() ? Optional.empty() : Optional.of(v.getLast());
    }

    @Override
    public List<String> values(String name) {
        return entries.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).toList();
    }

    @Override
    public boolean isTrue(String name) {
        return value(name).map(v -> v.equals("true")).orElse(false);
    }
}
