/**
 * plugin-alarm's only exported package: the action type of an alarm, so that another bundle can
 * add one (uWSGI's {@code uwsgi_register_alarm}). See docs/plugins/alarm.md.
 */
@Export
@Version("1.0.0")
package org.uwsgi4j.plugin.alarm.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
