package org.uwsgi4j.kernel.worker;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.uwsgi4j.kernel.api.Options;

/**
 * The options as one worker runtime sees them: {@code --mount} holds only the mounts whose app
 * that runtime claimed (python gets {@code /a=app.py}, never {@code /p=app.psgi}); every other
 * option is the instance's.
 */
final class OwnMounts implements Options {

    private static final String MOUNT = "mount";
    private final Options options;
    private final List<String> own;

    OwnMounts(Options options, List<String> own) {
        this.options = options;
        this.own = List.copyOf(own);
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        return options.entries().stream().filter(e -> !e.getKey().equals(MOUNT) || own.contains(e.getValue())).toList();
    }

    @Override
    public Optional<String> value(String name) {
        return name.equals(MOUNT) ? (own.isEmpty() ? Optional.empty() : Optional.of(own.getLast())) : options.value(name);
    }

    @Override
    public List<String> values(String name) {
        return name.equals(MOUNT) ? own : options.values(name);
    }

    @Override
    public boolean isTrue(String name) {
        return options.isTrue(name);
    }
}
