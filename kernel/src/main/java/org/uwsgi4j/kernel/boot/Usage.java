package org.uwsgi4j.kernel.boot;

/** What {@code uwsgi4j} prints when run without arguments. */
final class Usage {

    private Usage() {
    }

    static String text() {
        return """
                usage: uwsgi4j [options...] [config-file]
                  e.g. uwsgi4j --http-socket :8080 --wsgi-file app.py --master --processes 4
                       uwsgi4j --ini deploy.ini
                       uwsgi4j --plugins-list
                  uwsgi4j --help lists every option.
                """;
    }
}
