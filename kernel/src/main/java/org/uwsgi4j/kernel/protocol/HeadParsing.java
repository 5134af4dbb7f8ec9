package org.uwsgi4j.kernel.protocol;

import org.osgi.service.component.annotations.Component;
import org.uwsgi4j.kernel.api.HttpHead;
import org.uwsgi4j.kernel.api.HttpHeads;

/** The kernel's HTTP head parser as the api's {@link HttpHeads} service (see {@link ParsedHead}). */
@Component(service = HttpHeads.class)
public final class HeadParsing implements HttpHeads {

    @Override
    public HttpHead newHead(int bufferSize) {
        if (bufferSize < 1 || bufferSize > ProtocolLimits.MAX_BUFFER_SIZE) {
            throw new IllegalArgumentException("buffer-size " + bufferSize + " out of range (1-" + ProtocolLimits.MAX_BUFFER_SIZE + ")");
        }
        return new ParsedHead(ProtocolLimits.DEFAULTS.withBufferSize(bufferSize));
    }
}
