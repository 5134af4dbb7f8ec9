package org.uwsgi4j.plugin.busyness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.api.Options;

/** The options as the bundle declares them: uWSGI's defaults from the table, bad values refused in one line. */
class BusynessSettingsTest {

    /** The values given, else the default column of the bundle's options file, as the kernel's Options does. */
    private static Options options(String... pairs) throws IOException {
        Map<String, String> values = new HashMap<>();
        try (InputStream in = BusynessSettingsTest.class.getResourceAsStream("/OSGI-INF/uwsgi4j/options")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
                String[] cols = line.strip().split("\\s+");
                if (!line.startsWith("#") && cols.length > 5 && !cols[5].equals("-")) {
                    values.put(cols[0], cols[5]);
                }
            }
        }
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(pairs[i], pairs[i + 1]);
        }
        return new Options() {
            @Override
            public List<Map.Entry<String, String>> entries() {
                return List.copyOf(values.entrySet());
            }

            @Override
            public Optional<String> value(String name) {
                return Optional.ofNullable(values.get(name));
            }

            @Override
            public List<String> values(String name) {
                return value(name).map(List::of).orElse(List.of());
            }

            @Override
            public boolean isTrue(String name) {
                return value(name).map(v -> v.equals("true") || v.equals("1")).orElse(false);
            }
        };
    }

    @Test
    void theTableHoldsUwsgisDefaults() throws IOException {
        assertEquals(new BusynessSettings(50, 25, 10, 2, false, 33, 3, 1, 60), BusynessSettings.from(options()));
    }

    @Test
    void givenValuesWin() throws IOException {
        assertEquals(new BusynessSettings(70, 10, 4, 1, true, 5, 2, 3, 9), BusynessSettings.from(options(
                "cheaper-busyness-max", "70", "cheaper-busyness-min", "10", "cheaper-busyness-multiplier", "4",
                "cheaper-busyness-penalty", "1", "cheaper-busyness-verbose", "true", "cheaper-busyness-backlog-alert", "5",
                "cheaper-busyness-backlog-multiplier", "2", "cheaper-busyness-backlog-step", "3",
                "cheaper-busyness-backlog-nonzero", "9")));
    }

    @Test
    void zeroNegativeAndAMinimumAboveTheMaximumAreRefusedInOneLine() throws IOException {
        assertEquals("--cheaper-busyness-multiplier 0: must be 1 or more", assertThrows(IllegalArgumentException.class,
                () -> BusynessSettings.from(options("cheaper-busyness-multiplier", "0"))).getMessage());
        assertEquals("--cheaper-busyness-backlog-step -2: must be 1 or more", assertThrows(IllegalArgumentException.class,
                () -> BusynessSettings.from(options("cheaper-busyness-backlog-step", "-2"))).getMessage());
        assertEquals("--cheaper-busyness-min 60 is above --cheaper-busyness-max 50", assertThrows(IllegalArgumentException.class,
                () -> BusynessSettings.from(options("cheaper-busyness-min", "60"))).getMessage());
    }
}
