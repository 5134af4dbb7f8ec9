package org.uwsgi4j.kernel.boot;

import org.uwsgi4j.kernel.config.OptionCatalog;
import org.uwsgi4j.kernel.config.ResolvedConfig;
import org.uwsgi4j.kernel.plugin.PluginCatalog;

/**
 * The result of reading the configuration: the resolved options, and the option specs and
 * plugins they were resolved against.
 */
record Loaded(ResolvedConfig options, OptionCatalog specs, PluginCatalog plugins) {
}
