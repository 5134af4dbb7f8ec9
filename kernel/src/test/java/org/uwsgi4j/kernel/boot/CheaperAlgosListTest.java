package org.uwsgi4j.kernel.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.plugin.PluginCatalog;
import org.uwsgi4j.kernel.plugin.PluginDescriptor;

/** --cheaper-algos-list prints uWSGI's list: the plugins' algorithms, then the kernel's. */
class CheaperAlgosListTest {

    @Test
    void pluginAlgorithmsThenTheKernelsInUwsgisFrame() {
        var busy = new PluginDescriptor("cheaper_busyness", List.of(), -1, "busy", "1", "file:/b", List.of(), List.of(),
                List.of("cheaper-algo=busyness"));
        var echo = new PluginDescriptor("echo", List.of(), 101, "echo", "1", "file:/e", List.of());
        assertEquals("""

                *** uWSGI loaded cheaper algorithms ***
                busyness
                spare
                backlog
                --- end of cheaper algorithms list ---

                """, CheaperAlgosList.render(new PluginCatalog(List.of(busy, echo))));
    }
}
