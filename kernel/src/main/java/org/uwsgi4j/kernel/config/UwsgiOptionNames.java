package org.uwsgi4j.kernel.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The names of real uWSGI's options that no uwsgi4j bundle declares, read from the kernel's
 * {@value #ENTRY} (one name a line, {@code #} comments; its header says how it was made).
 * A configuration key of this list is a uWSGI option uwsgi4j does not support yet: the start
 * is refused with one line ({@link OptionBinder}), instead of the key being kept as a
 * placeholder or reported as a typo.
 */
public final class UwsgiOptionNames {

    /** Where the list lives in the kernel bundle (and on the kernel's class path). */
    public static final String ENTRY = "OSGI-INF/uwsgi4j/uwsgi-options";

    private UwsgiOptionNames() {
    }

    /** Every name in {@code in}, in order. */
    public static List<String> read(InputStream in) throws IOException {
        List<String> names = new ArrayList<>();
        var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = reader.readLine()) != null; ) {
            String name = line.strip();
            if (!name.isEmpty() && !name.startsWith("#")) {
                names.add(name);
            }
        }
        return names;
    }
}
