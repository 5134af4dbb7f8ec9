package org.uwsgi4j.kernel.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the ordered entry list, "top-bottom and expand asap" as uWSGI does: each entry is
 * appended as it is read, and a config file named by {@code ini}/{@code xml}/{@code yaml}/
 * {@code json}/{@code include} is read at that point, its entries injected before the
 * rest. Logic blocks are collected up to their end statement and evaluated; set-ph adds a
 * placeholder; {@code inherit} templates wait until {@link #loadInherited()}, after the
 * placeholder passes.
 *
 * <pre>
 *   entries of a source ──▶ process ──┬─ logic opener … end ─▶ evaluate ─▶ process(body) per %(_)
 *                                     ├─ ini/xml/yaml/json/include ─▶ read file ─▶ process
 *                                     ├─ set-ph name=value ─▶ placeholder slot
 *                                     ├─ inherit ─▶ queued for loadInherited()
 *                                     └─ anything else ─▶ slot
 * </pre>
 *
 * A file that (directly or not) loads itself with the same section is an include loop.
 */
final class ConfigAssembler {

    private record Pending(ConfigFormat format, String spec, Origin origin, String option) {
    }

    private final OptionCatalog catalog;
    private final Path cwd;
    private final HostFacts host;
    private final ConfigLogic logic;
    private final List<Slot> slots = new ArrayList<>();
    private final List<String> notices = new ArrayList<>();
    private final Deque<String> loading = new ArrayDeque<>();
    private final List<Pending> inherits = new ArrayList<>();
    private final Map<ConfigFormat, String> lastFile = new EnumMap<>(ConfigFormat.class);
    private MagicVars firstNonTemplate;
    private boolean inheriting;

    ConfigAssembler(OptionCatalog catalog, Map<String, String> env, Path cwd, HostFacts host) {
        this.catalog = catalog;
        this.cwd = cwd;
        this.host = host;
        this.logic = new ConfigLogic(env, cwd, host);
    }

    List<Slot> slots() {
        return slots;
    }

    List<String> notices() {
        return notices;
    }

    /** Appends the entries of one source (the environment, the command line, a file). */
    void process(List<RawEntry> lines) throws ConfigException {
        process(lines, null);
    }

    /** Reads config file {@code arg} given as a bare command-line argument. */
    void loadBareFile(String arg) throws ConfigException {
        if (arg.startsWith("[")) {
            return;
        }
        ConfigFormat format = ConfigFormat.byExtension(stripSection(arg))
                .orElseThrow(() -> new ConfigException(Origin.COMMAND_LINE + ": unable to load configuration from " + arg));
        load(format, arg, Origin.COMMAND_LINE, false, format.name().toLowerCase());
    }

    /** Reads every inherited template, in order, including those the templates inherit. */
    void loadInherited() throws ConfigException {
        inheriting = true;
        while (!inherits.isEmpty()) {
            Pending p = inherits.removeFirst();
            load(p.format, p.spec, p.origin, true, p.option);
        }
    }

    private void process(List<RawEntry> lines, String underscore) throws ConfigException {
        for (int i = 0; i < lines.size(); i++) {
            RawEntry e = substitute(lines.get(i), underscore);
            if (!ConfigLogic.opens(e.key())) {
                if (ConfigLogic.closes(e.key())) {
                    add(e, true, false);
                } else {
                    apply(e);
                }
                continue;
            }
            int end = matchingEnd(lines, i);
            if (end < 0) {
                throw new ConfigException(e.origin() + ": option '" + e.key() + "': block is never closed (missing "
                        + (e.key().startsWith("for") ? "endfor" : "endif") + ")");
            }
            add(e, true, false);
            List<RawEntry> body = lines.subList(i + 1, end);
            for (String item : logic.iterations(e.key(), e.value(), e.origin(), this::firstValue)) {
                process(body, item == ConfigLogic.KEEP ? underscore : item);
            }
            add(lines.get(end), true, false);
            i = end;
        }
    }

    private static RawEntry substitute(RawEntry e, String underscore) {
        if (underscore == null || e.value() == null) {
            return e;
        }
        return e.withValue(e.value().replace("%(_)", underscore));
    }

    private static int matchingEnd(List<RawEntry> lines, int open) {
        int depth = 0;
        for (int j = open + 1; j < lines.size(); j++) {
            String key = lines.get(j).key();
            if (ConfigLogic.opens(key)) {
                depth++;
            } else if (ConfigLogic.closes(key)) {
                if (depth == 0) {
                    return j;
                }
                depth--;
            }
        }
        return -1;
    }

    private void apply(RawEntry e) throws ConfigException {
        String key = e.key();
        var format = ConfigFormat.byOption(key);
        if (format.isPresent()) {
            add(e, true, false);
            load(format.get(), required(e), e.origin(), false, key);
        } else if (key.equals("ini-paste") || key.equals("ini-paste-logged")) {
            // uWSGI's python plugin: the ini file's [uwsgi] section, and the file itself as the paste app
            add(e, true, false);
            String spec = required(e);
            load(ConfigFormat.INI, spec, e.origin(), false, key);
            add(new RawEntry("paste", "config:" + cwd.resolve(stripSection(spec)).normalize(), e.origin()), false, false);
            if (key.equals("ini-paste-logged")) {
                add(new RawEntry("paste-logger", null, e.origin()), false, false);
            }
        } else if (key.equals("include") || key.equals("inherit")) {
            add(e, true, false);
            String spec = required(e);
            ConfigFormat f = ConfigFormat.byExtension(stripSection(spec))
                    .orElseThrow(() -> ConfigException.at(e.origin(), key, "unable to load configuration from " + spec));
            if (key.equals("include")) {
                load(f, spec, e.origin(), true, key);
            } else {
                inherits.add(new Pending(f, spec, e.origin(), key));
            }
        } else if (key.equals("set-ph") || key.equals("set-placeholder")) {
            add(e, true, false);
            String[] kv = nameValue(e);
            if (catalog.find(kv[0]).isPresent()) {
                throw ConfigException.at(e.origin(), key, "you cannot use " + kv[0] + " as a placeholder, it is already available as an option");
            }
            add(new RawEntry(kv[0], kv[1], e.origin()), true, true);
        } else if (key.equals("set")) {
            add(e, true, false);
            String[] kv = nameValue(e);
            boolean option = catalog.find(kv[0]).isPresent();
            if (option) {
                apply(new RawEntry(kv[0], kv[1], e.origin()));
            } else {
                add(new RawEntry(kv[0], kv[1], e.origin()), true, true);
            }
        } else {
            add(e, false, false);
        }
    }

    private static String required(RawEntry e) throws ConfigException {
        if (e.value() == null || e.value().isEmpty()) {
            throw ConfigException.at(e.origin(), e.key(), "a file name is required");
        }
        return e.value();
    }

    private static String[] nameValue(RawEntry e) throws ConfigException {
        String v = e.value() == null ? "" : e.value();
        int eq = v.indexOf('=');
        if (eq <= 0) {
            throw ConfigException.at(e.origin(), e.key(), "expected name=value, got '" + v + "'");
        }
        return new String[] {v.substring(0, eq), v.substring(eq + 1)};
    }

    private void add(RawEntry e, boolean consumed, boolean placeholder) {
        slots.add(new Slot(e.key(), e.value(), e.origin(), consumed, placeholder, inheriting));
    }

    /** The first value given for {@code key} so far, as uWSGI's if-opt and %(key) see it. */
    String firstValue(String key) {
        for (Slot s : slots) {
            if (s.key.equals(key)) {
                return s.value;
            }
        }
        return null;
    }

    private static String stripSection(String spec) {
        int colon = spec.lastIndexOf(':');
        return colon < 0 ? spec : spec.substring(0, colon);
    }

    private void load(ConfigFormat format, String spec, Origin origin, boolean template, String option) throws ConfigException {
        int colon = spec.lastIndexOf(':');
        String path = colon < 0 ? spec : spec.substring(0, colon);
        String section = colon < 0 || colon == spec.length() - 1 ? null : spec.substring(colon + 1);
        boolean sameFile = path.isEmpty();
        if (sameFile) {
            path = lastFile.get(format);
            if (path == null) {
                throw ConfigException.at(origin, option, "'" + spec + "' names a section of the last " + format.label() + " file, but none was read yet");
            }
        }
        String sectionName = section == null ? "uwsgi" : section;
        Path file = cwd.resolve(path).normalize();
        String loopKey = file + ":" + sectionName;
        if (loading.contains(loopKey)) {
            List<String> chain = new ArrayList<>(loading.reversed());
            chain.add(loopKey);
            throw ConfigException.at(origin, option, "include loop: " + String.join(" -> ", chain.stream().map(this::shortName).toList()));
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw ConfigException.at(origin, option, "cannot open '" + path + "': no such file");
        } catch (IOException e) {
            throw ConfigException.at(origin, option, "cannot read '" + path + "': " + e.getMessage());
        }
        if (!sameFile) {
            notices.add("[uWSGI] getting " + format.label() + " configuration from " + path);
        }
        lastFile.put(format, path);
        MagicVars magic = MagicVars.forFile(path, section == null ? "" : section, cwd, host, firstNonTemplate);
        if (!template && firstNonTemplate == null) {
            firstNonTemplate = magic;
        }
        ParsedSource parsed = format.read(magic.expand(text), sectionName, section != null, path);
        if (!parsed.sectionFound()) {
            throw ConfigException.at(origin, option, path + " has no "
                    + (format == ConfigFormat.XML ? (section == null ? "<uwsgi> root element" : "<uwsgi id=\"" + section + "\"> element") : "[" + sectionName + "] section")
                    + (parsed.warnings().isEmpty() ? "" : " (" + String.join("; ", parsed.warnings()) + ")"));
        }
        notices.addAll(parsed.warnings());
        loading.push(loopKey);
        try {
            process(parsed.entries());
        } finally {
            loading.pop();
        }
    }

    private String shortName(String loopKey) {
        String pathPart = loopKey.substring(0, loopKey.lastIndexOf(':'));
        Path p = Path.of(pathPart);
        return (p.startsWith(cwd) ? cwd.relativize(p).toString() : pathPart) + loopKey.substring(loopKey.lastIndexOf(':'));
    }
}
