package org.uwsgi4j.plugin.logencoder;

import java.util.List;

/**
 * Encoders applied in the order given, each to what the one before made, as uWSGI's
 * {@code uwsgi_log_func_do} runs them. An empty chain leaves the message as it is.
 */
record Chain(List<EncoderSpec> encoders) {

    /** The encoders of {@code all} that apply to the logger named {@code id} (null: unnamed or default). */
    static Chain of(List<EncoderSpec> all, String id) {
        return new Chain(all.stream().filter(e -> e.appliesTo(id)).toList());
    }

    byte[] encode(byte[] message, long epochMicros) {
        byte[] out = message;
        for (EncoderSpec e : encoders) {
            out = e.encoder().encode(out, epochMicros);
        }
        return out;
    }

    boolean isEmpty() {
        return encoders.isEmpty();
    }

    @Override
    public String toString() {
        return encoders.stream().map(EncoderSpec::value).toList().toString();
    }
}
