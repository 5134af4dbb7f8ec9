package org.uwsgi4j.plugin.logencoder;

/**
 * One link of an encoder chain, uWSGI's {@code struct uwsgi_log_encoder}: it gets the message as
 * the link before left it (the first link gets the line with its trailing newline) and returns
 * the new message. Stateless after construction; safe for concurrent use.
 */
interface Encoder {

    /**
     * Encodes {@code message}.
     *
     * @param epochMicros when the line was logged (for {@code ${unix}}, {@code ${micros}} …)
     */
    byte[] encode(byte[] message, long epochMicros);
}
