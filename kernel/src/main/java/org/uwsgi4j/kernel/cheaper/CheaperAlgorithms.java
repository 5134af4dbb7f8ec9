package org.uwsgi4j.kernel.cheaper;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.uwsgi4j.kernel.api.CheaperAlgorithm;

/**
 * The cheaper algorithms registered as services, by name; they come and go with their bundles.
 * Thread-safe: service events add and remove, the master thread looks up.
 */
public final class CheaperAlgorithms {

    private final Map<String, CheaperAlgorithm> byName = new ConcurrentHashMap<>();

    public void add(String name, CheaperAlgorithm algorithm) {
        byName.put(name, algorithm);
    }

    /** Removes {@code algorithm} if it is still the one registered under {@code name}. */
    public void remove(String name, CheaperAlgorithm algorithm) {
        byName.remove(name, algorithm);
    }

    public Optional<CheaperAlgorithm> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
