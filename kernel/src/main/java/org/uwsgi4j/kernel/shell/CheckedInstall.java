package org.uwsgi4j.kernel.shell;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.os.LibcCredentials;
import org.uwsgi4j.kernel.plugin.Instance;
import org.uwsgi4j.kernel.security.CodePaths;

/**
 * Felix's {@code install} and {@code update} shell commands with the drop-in directory's check:
 * the same names in the same scope ({@code felix}), ranked above Felix's own so Gogo runs these.
 * A bundle is loaded only from a file that is safe by {@link CodePaths}' rule (owned by root or
 * the server's user, not writable by group or others, nor any parent); a URL of another scheme
 * is refused, since nobody can tell who could have written it. {@code --allow-unsafe-code-dirs}
 * turns a refusal into a logged warning, as it does for the directories.
 *
 * <pre>
 *  install [-s|--start] FILE…     a path or a file: URL each; prints "Bundle ID: N" per bundle
 *  update ID                      from the bundle's own location (or Bundle-UpdateLocation)
 *  update ID FILE                 from FILE
 * </pre>
 */
@Component(service = CheckedInstall.class, property = {
        "osgi.command.scope=felix",
        "osgi.command.function=install",
        "osgi.command.function=update",
        Constants.SERVICE_RANKING + ":Integer=1000"})
public final class CheckedInstall {

    private static final Logger LOG = LoggerFactory.getLogger(CheckedInstall.class);

    private final BundleContext context;
    private final Instance instance;

    @Activate
    public CheckedInstall(BundleContext context, @Reference Instance instance) {
        this.context = context;
        this.instance = instance;
    }

    /** Installs each file (after the check); with {@code -s}/{@code --start} starts them too. */
    public String install(String... args) throws IOException, BundleException {
        boolean start = false;
        List<String> locations = new ArrayList<>();
        for (String a : args) {
            if (a.equals("-s") || a.equals("--start")) {
                start = true;
            } else {
                locations.add(a);
            }
        }
        if (locations.isEmpty()) {
            throw new IllegalArgumentException("install: give one or more bundle files (install [-s] FILE…)");
        }
        StringBuilder out = new StringBuilder();
        for (String location : locations) {
            Path file = checked("install", location);
            Bundle bundle;
            try (InputStream in = Files.newInputStream(file)) {
                bundle = context.installBundle(file.toUri().toString(), in);
            }
            if (start) {
                bundle.start();
            }
            out.append(out.isEmpty() ? "" : "\n").append("Bundle ID: ").append(bundle.getBundleId());
        }
        return out.toString();
    }

    /** Updates bundle {@code id} from its own location (Bundle-UpdateLocation when it has one). */
    public String update(long id) throws IOException, BundleException {
        Bundle bundle = bundle(id);
        String location = Optional.ofNullable(bundle.getHeaders().get(Constants.BUNDLE_UPDATELOCATION)).orElse(bundle.getLocation());
        return update(id, location);
    }

    /** Updates bundle {@code id} from {@code location}. */
    public String update(long id, String location) throws IOException, BundleException {
        Bundle bundle = bundle(id);
        Path file = checked("update", location);
        try (InputStream in = Files.newInputStream(file)) {
            bundle.update(in);
        }
        return null;
    }

    private Bundle bundle(long id) {
        Bundle bundle = context.getBundle(id);
        if (bundle == null) {
            throw new IllegalArgumentException("update: no bundle " + id);
        }
        return bundle;
    }

    /**
     * The file {@code location} names, when it is safe to load code from; else an error naming
     * why. Every shell command that loads code checks its file here ({@link UwsgiCommands#swap} too).
     */
    Path checked(String command, String location) {
        Path file = file(location).orElseThrow(() -> new IllegalArgumentException(command + " " + location
                + ": refused: only a file can be checked for who could have written it; copy it into a safe directory first"));
        Optional<String> problem = new CodePaths(new LibcCredentials().uid()).problem(file);
        if (problem.isPresent()) {
            if (!instance.options().isTrue("allow-unsafe-code-dirs")) {
                throw new IllegalArgumentException(command + " " + location + ": refused: unsafe: " + problem.get());
            }
            LOG.warn("*** WARNING: shell: {} {}: unsafe: {}; accepted by --allow-unsafe-code-dirs ***", command, location, problem.get());
        }
        return file;
    }

    /** A path, or a {@code file:} URL (Felix's {@code reference:file:} too); empty for any other scheme. */
    private static Optional<Path> file(String location) {
        if (location.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*")) {
            return CodePaths.file(location);
        }
        return Optional.of(Path.of(location).toAbsolutePath());
    }
}
