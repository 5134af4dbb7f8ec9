package org.uwsgi4j.kernel.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The config file formats, the option names that load each ({@code --ini}, {@code --xml}
 * …), and the file extensions that identify a bare config-file argument
 * ({@code uwsgi4j app.ini}).
 */
enum ConfigFormat {
    INI("INI", List.of("ini"), List.of("ini")),
    XML("XML", List.of("xml", "xmlconfig"), List.of("xml")),
    YAML("YAML", List.of("yaml", "yml"), List.of("yaml", "yml")),
    JSON("JSON", List.of("json", "js"), List.of("json", "js"));

    private final String label;
    private final List<String> options;
    private final List<String> extensions;

    ConfigFormat(String label, List<String> options, List<String> extensions) {
        this.label = label;
        this.options = options;
        this.extensions = extensions;
    }

    /** The format loaded by option {@code key}, if it is one of the loading options. */
    static Optional<ConfigFormat> byOption(String key) {
        for (ConfigFormat f : values()) {
            if (f.options.contains(key)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The format of file {@code path}, guessed from its extension. */
    static Optional<ConfigFormat> byExtension(String path) {
        int dot = path.lastIndexOf('.');
        if (dot < 0 || path.indexOf('/', dot) >= 0) {
            return Optional.empty();
        }
        String ext = path.substring(dot + 1).toLowerCase(Locale.ROOT);
        for (ConfigFormat f : values()) {
            if (f.extensions.contains(ext)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** How uWSGI names the format in "getting … configuration from" lines. */
    String label() {
        return label;
    }

    /**
     * The entries of {@code section} in {@code text}; {@code explicit} is false when the user
     * named no section (XML then reads the root {@code <uwsgi>} element).
     */
    ParsedSource read(String text, String section, boolean explicit, String fileLabel) throws ConfigException {
        return switch (this) {
            case INI -> IniReader.read(text, section, fileLabel);
            case XML -> XmlReader.read(text, explicit ? section : null, fileLabel);
            case YAML -> YamlReader.read(text, section, fileLabel);
            case JSON -> JsonReader.read(text, section, fileLabel);
        };
    }
}
