package org.uwsgi4j.kernel.plugin;

import java.nio.file.Path;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.config.OptionCatalog;

/**
 * What the kernel knows about this running instance once its configuration is read: the
 * resolved options, every known option spec, the available plugins, the version and the
 * distribution's home. Registered as a (bundle-private) service for the shell commands and
 * later for the master and stats.
 *
 * @param options  the resolved configuration
 * @param specs    every option the kernel and the available plugins declare
 * @param plugins  the plugins found in the plugin directories
 * @param version  the kernel's version, {@code major.minor.micro}
 * @param home     the distribution's root directory
 */
public record Instance(Options options, OptionCatalog specs, PluginCatalog plugins, String version, Path home) {
}
