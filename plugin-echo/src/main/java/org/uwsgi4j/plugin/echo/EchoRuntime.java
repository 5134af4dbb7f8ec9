package org.uwsgi4j.plugin.echo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.uwsgi4j.kernel.api.AppRuntime;
import org.uwsgi4j.kernel.api.Request;
import org.uwsgi4j.kernel.api.Response;

/**
 * The echo runtime, on modifier1 101 as uWSGI's own echo plugin: it answers every request
 * with {@code 200 OK}, a {@code text/plain} body listing the request variables one
 * {@code NAME: value} line each, an empty line, then the request body byte for byte.
 *
 * <p>uWSGI's echo plugin writes back the raw vars block instead; this one answers readable
 * HTTP so it works the same behind an HTTP socket, nginx and a terminal.
 */
@Component(property = {AppRuntime.MODIFIER1 + ":Integer=101", AppRuntime.PLUGIN + "=echo"})
public final class EchoRuntime implements AppRuntime {

    @Override
    public void handle(Request request, Response response) throws IOException {
        var body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> var : request.vars().entrySet()) {
            body.write((var.getKey() + ": " + var.getValue() + "\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        body.write('\n');
        request.body().transferTo(body);
        response.start("200 OK", List.of(
                Map.entry("Content-Type", "text/plain; charset=iso-8859-1"),
                Map.entry("Content-Length", String.valueOf(body.size()))));
        try (var out = response.body()) {
            body.writeTo(out);
        }
    }
}
