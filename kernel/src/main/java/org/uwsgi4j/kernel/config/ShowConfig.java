package org.uwsgi4j.kernel.config;

/**
 * Renders a resolved configuration exactly as uWSGI 2.0 prints {@code --show-config}: a blank
 * line, {@code ;uWSGI instance configuration}, {@code [uwsgi]}, one {@code key = value} line
 * per entry in resolution order (keys as written, logic statements and loading options
 * included, a value-less flag as {@code true}, an empty value as {@code "key = "}), then
 * {@code ;end of configuration} and a blank line.
 *
 * <p>The {@value #DRY_RUN} option is uwsgi4j's own and is left out, so that
 * {@code uwsgi4j … --show-config --dry-run} prints byte for byte what
 * {@code uwsgi … --show-config} prints.
 */
public final class ShowConfig {

    /** The name of uwsgi4j's dry-run option, which the rendering omits. */
    public static final String DRY_RUN = "dry-run";

    private ShowConfig() {
    }

    /** The {@code --show-config} text of {@code config}, newline-terminated. */
    public static String render(ResolvedConfig config) {
        StringBuilder out = new StringBuilder("\n;uWSGI instance configuration\n[uwsgi]\n");
        for (ResolvedEntry e : config.list()) {
            if (e.name().equals(DRY_RUN) && e.known()) {
                continue;
            }
            out.append(e.key()).append(" = ").append(e.value() == null ? "true" : e.value()).append('\n');
        }
        return out.append(";end of configuration\n\n").toString();
    }
}
