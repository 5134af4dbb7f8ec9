/**
 * The kernel's only exported package: the small role interfaces a plugin bundle implements
 * as OSGi services, and the services the kernel offers to plugins.
 *
 * <p>There is no "Plugin" super-interface: a plugin is a bundle that provides some of these
 * services and declares its options as data (see docs/plugins.md).
 */
@Export
@Version("0.8.0")
package org.uwsgi4j.kernel.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
