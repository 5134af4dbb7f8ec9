package org.uwsgi4j.kernel.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.log.TestOptions;
import org.uwsgi4j.kernel.protocol.ProtocolLimits;

class ServerSettingsTest {

    @Test
    void bufferSizeIsTheRequestHeadLimitWithUwsgisDefault() {
        assertEquals(4096, ServerSettings.fromOptions(TestOptions.of()).limits().bufferSize());
        assertEquals(32768, ServerSettings.fromOptions(TestOptions.of("buffer-size", "32768")).limits().bufferSize());
        assertThrows(IllegalArgumentException.class, () -> ServerSettings.fromOptions(TestOptions.of("buffer-size", "0")));
        assertThrows(IllegalArgumentException.class,
                () -> ServerSettings.fromOptions(TestOptions.of("buffer-size", String.valueOf(ProtocolLimits.MAX_BUFFER_SIZE + 1))));
    }
}
