package org.uwsgi4j.kernel.cheaper;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.uwsgi4j.kernel.api.CheaperAlgorithm;

/**
 * The cheaper algorithms registered as services, by name, each with the key of its registration
 * (the service id); they come and go with their bundles. Removing needs only the key, so the
 * kernel's unbind never asks for the service object again (an algorithm whose component failed
 * to activate would be activated, and fail, once more). Thread-safe: service events add and
 * remove, the master thread looks up.
 */
public final class CheaperAlgorithms {

    private record Registered(Object key, CheaperAlgorithm algorithm) {
    }

    private final Map<String, Registered> byName = new ConcurrentHashMap<>();

    public void add(String name, Object key, CheaperAlgorithm algorithm) {
        byName.put(name, new Registered(key, algorithm));
    }

    /** Removes the algorithm registered under {@code name} with {@code key}, if it is still that one. */
    public void remove(String name, Object key) {
        byName.computeIfPresent(name, (n, r) -> r.key().equals(key) ? null : r);
    }

    public Optional<CheaperAlgorithm> named(String name) {
        return Optional.ofNullable(byName.get(name)).map(Registered::algorithm);
    }
}
