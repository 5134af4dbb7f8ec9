package org.uwsgi4j.kernel.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.uwsgi4j.kernel.config.OptionSpec;
import org.uwsgi4j.kernel.config.OptionSpecReader;

/**
 * Reads {@link PluginDescriptor}s from plugin jars on disk (never installing them) and from
 * installed bundles. A jar without the {@code uwsgi4j.plugin} capability is not a plugin.
 */
public final class PluginJars {

    /** Where a plugin keeps its option specs (format: {@link OptionSpecReader}). */
    public static final String OPTIONS_ENTRY = "OSGI-INF/uwsgi4j/options";

    private PluginJars() {
    }

    /**
     * The descriptor of the plugin jar {@code jar}, or empty when it is a jar but no plugin.
     *
     * @throws IOException when the file is not a readable jar or its specs are malformed
     */
    public static Optional<PluginDescriptor> read(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            var manifest = file.getManifest();
            if (manifest == null) {
                return Optional.empty();
            }
            Attributes main = manifest.getMainAttributes();
            Optional<Map<String, Object>> cap = PluginCapability.parse(main.getValue("Provide-Capability"));
            if (cap.isEmpty()) {
                return Optional.empty();
            }
            String name = (String) cap.get().get(PluginCapability.NAMESPACE);
            var entry = file.getJarEntry(OPTIONS_ENTRY);
            List<OptionSpec> options = List.of();
            if (entry != null) {
                try (InputStream in = file.getInputStream(entry)) {
                    options = readSpecs(in, name, jar.getFileName() + "!/" + OPTIONS_ENTRY);
                }
            }
            return Optional.of(descriptor(cap.get(), bsn(main.getValue("Bundle-SymbolicName")),
                    main.getValue("Bundle-Version"), jar.toUri().toString(), options));
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IOException(jar + ": malformed plugin metadata: " + e.getMessage(), e);
        }
    }

    /** The descriptor of an installed bundle, or empty when it is no plugin. */
    public static Optional<PluginDescriptor> read(Bundle bundle) throws IOException {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision == null) {
            return Optional.empty();
        }
        List<BundleCapability> caps = revision.getDeclaredCapabilities(PluginCapability.NAMESPACE);
        if (caps.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> attrs = caps.getFirst().getAttributes();
        String name = (String) attrs.get(PluginCapability.NAMESPACE);
        List<OptionSpec> options = List.of();
        URL entry = bundle.getEntry(OPTIONS_ENTRY);
        if (entry != null) {
            try (InputStream in = entry.openStream()) {
                options = readSpecs(in, name, bundle.getSymbolicName() + "!/" + OPTIONS_ENTRY);
            }
        }
        return Optional.of(descriptor(attrs, bundle.getSymbolicName(), bundle.getVersion().toString(),
                bundle.getLocation(), options));
    }

    private static List<OptionSpec> readSpecs(InputStream in, String owner, String source) throws IOException {
        try {
            return OptionSpecReader.read(in, owner, source);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static PluginDescriptor descriptor(Map<String, Object> attrs, String bsn, String version,
                                               String location, List<OptionSpec> options) {
        Object aliases = attrs.getOrDefault("aliases", List.of());
        Object modifier1 = attrs.getOrDefault("modifier1", -1L);
        return new PluginDescriptor((String) attrs.get(PluginCapability.NAMESPACE),
                ((List<String>) aliases).stream().filter(a -> !a.isBlank()).toList(),
                ((Number) modifier1).intValue(), bsn, version, location, options,
                list(attrs, "mounts"), list(attrs, "values"));
    }

    /** A {@code List<String>} attribute without blank entries; empty when absent. */
    @SuppressWarnings("unchecked")
    private static List<String> list(Map<String, Object> attrs, String key) {
        return ((List<String>) attrs.getOrDefault(key, List.of())).stream().filter(a -> !a.isBlank()).toList();
    }

    private static String bsn(String header) {
        return header == null ? "" : header.split(";")[0].strip();
    }
}
