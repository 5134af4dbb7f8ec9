package org.uwsgi4j.dist.osgi;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.jar.JarInputStream;
import java.util.stream.Stream;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.UrlProvisionOption;
import org.osgi.framework.Constants;
import org.uwsgi4j.launcher.api.KernelStartedBundles;
import org.uwsgi4j.launcher.api.LaunchProperties;
import org.uwsgi4j.launcher.api.ProcessExit;

/**
 * The Pax Exam configuration that boots the built distribution inside the test JVM the way
 * {@code bin/uwsgi4j} does (see the launcher's {@code FelixBoot}): every jar of
 * {@code lib/core} installed from its {@code file:} URL and started, except FileInstall,
 * Configuration Admin and the Gogo console, which the kernel starts itself; SLF4J and the launcher's API package exported by
 * the system bundle from the test class path; {@code uwsgi4j.home} and {@code uwsgi4j.argv} as framework properties.
 *
 * <p>What it leaves out is the launcher's exit service: a test registers its own
 * ({@link ExitRecorder}), and the kernel's boot component activates only then. Runs on the
 * driver side (outside the framework), where the system property {@code uwsgi4j.dist} names
 * the distribution directory.
 */
final class DistFramework {

    /** The distribution that {@code dist} assembled ({@code dist/target/uwsgi4j}). */
    static final Path DIST = Path.of(System.getProperty("uwsgi4j.dist", "target/uwsgi4j")).toAbsolutePath();

    /**
     * Core bundles the launcher installs but leaves to the kernel to start; but the Gogo runtime
     * and commands are started here, since the tests drive the kernel through Gogo.
     */
    private static final Set<String> ON_DEMAND = KernelStartedBundles.ALL.stream()
            .filter(b -> !b.equals(KernelStartedBundles.GOGO_RUNTIME) && !b.equals(KernelStartedBundles.GOGO_COMMAND))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private DistFramework() {
    }

    /** Options for a framework running the kernel with the command line {@code argv}. */
    static Option[] kernelWith(String... argv) {
        List<Option> options = new ArrayList<>();
        String slf4j = "version=" + org.slf4j.LoggerFactory.class.getPackage().getImplementationVersion();
        options.add(systemPackages("org.slf4j;" + slf4j, "org.slf4j.event;" + slf4j,
                "org.slf4j.helpers;" + slf4j, "org.slf4j.spi;" + slf4j, ProcessExit.class.getPackageName()));
        options.add(frameworkProperty(LaunchProperties.HOME).value(DIST.toString()));
        options.add(frameworkProperty(LaunchProperties.ARGV).value(String.join("\0", argv)));
        // FileInstall watches no directory of its own: the kernel configures the drop-in one
        options.add(frameworkProperty("felix.fileinstall.dir").value(","));
        // Pax Exam's own pax-logging-api bundle logs every bundle it scans to stdout unless told
        // otherwise by this system property (the native container runs in this JVM).
        options.add(systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
        for (Path jar : coreBundles()) {
            UrlProvisionOption core = bundle(jar.toUri().toString());
            options.add(ON_DEMAND.contains(symbolicName(jar)) ? core.noStart() : core);
        }
        options.add(junitBundles());
        return options.toArray(Option[]::new);
    }

    /** A fresh, empty drop-in directory, so FileInstall never watches the distribution's own {@code bundles/}. */
    static String emptyBundlesDir() {
        try {
            Path dir = Files.createTempDirectory("uwsgi4j-osgi-it-bundles-");
            dir.toFile().deleteOnExit();
            return dir.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> coreBundles() {
        Path core = DIST.resolve("lib/core");
        try (Stream<Path> files = Files.list(core)) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
            if (jars.stream().noneMatch(p -> p.getFileName().toString().equals("kernel.jar"))) {
                throw new IllegalStateException(core + " has no kernel.jar: build the distribution first (mvn install)");
            }
            return jars;
        } catch (IOException e) {
            throw new UncheckedIOException(core + ": cannot list the core bundles (build the distribution first)", e);
        }
    }

    private static String symbolicName(Path jar) {
        try (InputStream in = Files.newInputStream(jar); var jin = new JarInputStream(in)) {
            var manifest = jin.getManifest();
            String bsn = manifest == null ? null : manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            return bsn == null ? "" : bsn.split(";")[0].strip();
        } catch (IOException e) {
            throw new UncheckedIOException(jar + ": not a readable jar", e);
        }
    }
}
