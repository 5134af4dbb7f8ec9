package org.uwsgi4j.kernel.statics;

/**
 * What of a request decides its static answer (the CGI variables of the same names; any may be
 * null but the method and PATH_INFO).
 *
 * @param pathInfo PATH_INFO, percent-decoded
 */
public record StaticRequest(String method, String pathInfo, String uri, String acceptEncoding,
                            String ifModifiedSince, String range, String ifRange) {
}
