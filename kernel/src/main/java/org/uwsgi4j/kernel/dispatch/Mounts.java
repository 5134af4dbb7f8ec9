package org.uwsgi4j.kernel.dispatch;

import java.util.List;

/**
 * The instance's {@code --mount}s with the runtime each belongs to, and
 * {@code --manage-script-name}: built once at start-up (a mount no plugin claims ends the start
 * before), published as a service. Each worker runtime is given only its own mounts
 * ({@link #of}); when they belong to more than one runtime, a {@link MountRouter} in the
 * {@link DispatchTable}'s slot 0 sends each modifier1 0 request to the pool of its mount.
 *
 * @param all              every mount, in the order given
 * @param manageScriptName {@code --manage-script-name}: the longest mount point that prefixes
 *                         {@code PATH_INFO} picks the app (else {@code SCRIPT_NAME} does)
 */
public record Mounts(List<Mount> all, boolean manageScriptName) {

    public Mounts {
        all = List.copyOf(all);
    }

    /** The values of the mounts {@code plugin} runs, in order. */
    public List<String> of(String plugin) {
        return all.stream().filter(m -> m.plugin().equals(plugin)).map(Mount::value).toList();
    }

    /**
     * True when some mount is served by a runtime other than modifier1 0's: only then does slot 0
     * need a router (mounts of modifier1 0 alone are chosen by its own worker host, as in uWSGI).
     */
    public boolean spanRuntimes() {
        return all.stream().anyMatch(m -> m.modifier1() != 0);
    }
}
