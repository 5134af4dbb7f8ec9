package org.uwsgi4j.plugin.rack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * RVM gemsets as uWSGI's rack plugin finds them ({@code --gemset NAME}): the environment file
 * {@code environments/NAME} under each {@code --rvm-path}, then {@code ~/.rvm}, then
 * {@code /usr/local/rvm}; the workers run in the environment that file sets, as bash sources it.
 */
final class Gemsets {

    private Gemsets() {
    }

    /** The RVM directories searched, in order. */
    static List<String> searched(List<String> rvmPaths) {
        List<String> dirs = new ArrayList<>(rvmPaths);
        String home = System.getenv("HOME");
        if (home != null && !home.isEmpty()) {
            dirs.add(home + "/.rvm");
        }
        dirs.add("/usr/local/rvm");
        return dirs;
    }

    /** The environment file of {@code gemset}, if one of the RVM directories has it. */
    static Optional<Path> find(String gemset, List<String> rvmPaths) {
        if (gemset.isEmpty() || gemset.contains("/")) {
            return Optional.empty();
        }
        for (String dir : searched(rvmPaths)) {
            Path file = Path.of(dir, "environments", gemset);
            if (Files.isRegularFile(file)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    /**
     * The command prefix that runs the host in the gemset's environment: bash sources the file
     * and then becomes the host ({@code exec}), so signals and the exit status are the host's.
     */
    static List<String> wrapper(Path environment) {
        return List.of("/bin/bash", "-c", ". \"$0\" && exec \"$@\"", environment.toString());
    }
}
