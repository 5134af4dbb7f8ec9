package org.uwsgi4j.kernel.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginCapabilityTest {

    @Test
    void readsTypedAttributesAsBndWritesThem() {
        String header = "osgi.service;objectClass:List<String>=\"a.B,c.D\","
                + "uwsgi4j.plugin;aliases:List<String>=\"rack_ruby31,ruby\";modifier1:Long=7;uwsgi4j.plugin=rack";
        Map<String, Object> attrs = PluginCapability.parse(header).orElseThrow();
        assertEquals("rack", attrs.get("uwsgi4j.plugin"));
        assertEquals(7L, attrs.get("modifier1"));
        assertEquals(List.of("rack_ruby31", "ruby"), attrs.get("aliases"));
    }

    @Test
    void emptyAliasListIsEmpty() {
        Map<String, Object> attrs = PluginCapability.parse("uwsgi4j.plugin;aliases:List<String>=\"\";modifier1:Long=-1;uwsgi4j.plugin=cron").orElseThrow();
        assertEquals(List.of(), attrs.get("aliases"));
        assertEquals(-1L, attrs.get("modifier1"));
    }

    @Test
    void otherNamespacesAndMissingHeaderAreNoPlugin() {
        assertTrue(PluginCapability.parse(null).isEmpty());
        assertTrue(PluginCapability.parse("osgi.extender;osgi.extender=osgi.component").isEmpty());
    }
}
