package org.uwsgi4j.kernel.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HttpHeadsTest {

    @Test
    void theServersOwnStatusesHaveRfc9110sReasonPhrases() {
        assertEquals("Bad Request", HttpHeads.reasonPhrase(400));
        assertEquals("Content Too Large", HttpHeads.reasonPhrase(413));
        assertEquals("Request Header Fields Too Large", HttpHeads.reasonPhrase(431));
        assertEquals("Service Unavailable", HttpHeads.reasonPhrase(503));
        assertEquals("Gateway Timeout", HttpHeads.reasonPhrase(504));
        assertEquals("Error", HttpHeads.reasonPhrase(418));
    }
}
