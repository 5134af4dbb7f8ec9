package org.uwsgi4j.kernel.dispatch;

/**
 * One {@code --mount MOUNTPOINT=APP} and the runtime that claimed its app: the plugin whose
 * capability names the app's pattern ({@code *.py}), and the modifier1 that plugin serves.
 *
 * @param value     the option's value as written ({@code /app=app1.py})
 * @param point     the mount point with any trailing {@code /} dropped ({@code /app/} is {@code /app})
 * @param plugin    the name of the plugin that runs the app
 * @param modifier1 the modifier1 of that plugin's runtime, whose pool serves the mount
 */
public record Mount(String value, String point, String plugin, int modifier1) {

    /** {@code value} ({@code MOUNTPOINT=APP}, split at the first {@code =}) served by {@code plugin}. */
    public static Mount of(String value, String plugin, int modifier1) {
        int eq = value.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("mount " + value + ": expected MOUNTPOINT=APP");
        }
        String point = value.substring(0, eq);
        while (point.length() > 1 && point.endsWith("/")) {
            point = point.substring(0, point.length() - 1);
        }
        return new Mount(value, point, plugin, modifier1);
    }
}
