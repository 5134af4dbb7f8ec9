package org.uwsgi4j.kernel.net;

/** The protocol a listening socket speaks to its clients. */
public enum Protocol {
    /** The uwsgi binary protocol ({@code --socket}), for nginx's {@code uwsgi_pass} and friends. */
    UWSGI("uwsgi"),
    /** HTTP/1.0 and 1.1 ({@code --http-socket}), with keep-alive and pipelining. */
    HTTP("http");

    private final String statsName;

    Protocol(String statsName) {
        this.statsName = statsName;
    }

    /** The name uWSGI's stats server gives the protocol ({@code "uwsgi"}, {@code "http"}). */
    public String statsName() {
        return statsName;
    }
}
