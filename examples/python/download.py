# A file download with wsgi.file_wrapper: the worker names the file, the server sends it
# (no copy through Python). Serves this file itself.
#   ./uwsgi4j --http-socket :8080 --wsgi-file examples/python/download.py
#   curl -O localhost:8080/download.py
import os

HERE = os.path.abspath(__file__)


def application(environ, start_response):
    f = open(HERE, "rb")
    start_response("200 OK", [("Content-Type", "text/x-python"),
                              ("Content-Length", str(os.fstat(f.fileno()).st_size)),
                              ("Content-Disposition", 'attachment; filename="download.py"')])
    return environ["wsgi.file_wrapper"](f, 65536)
