package org.uwsgi4j.plugin.http;

/**
 * What one bound address of the router is: plain HTTP ({@code --http}), TLS ({@code --https})
 * or a redirect to HTTPS ({@code --http-to-https ADDR[,PORT]}).
 *
 * @param name          the bound address as logged
 * @param port          SERVER_PORT of its requests
 * @param tls           the TLS context ({@code --https}), or null
 * @param redirectPort  for {@code --http-to-https}: the HTTPS port to name in the Location ("" for
 *                      none: the default 443), or null when this front forwards
 */
record Front(String name, String port, TlsContext tls, String redirectPort) {

    boolean redirects() {
        return redirectPort != null;
    }
}
