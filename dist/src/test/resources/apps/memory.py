# A WSGI app for the memory tests of the master (--memory-report, --reload-on-rss).
#   /         "hello from <pid>"
#   /pid      the worker's pid
#   /grow?mb=N  keeps N more MiB alive in this worker (touched, so resident), answers its pid
#   /stdin    one line read from the worker's stdin ("" at its end)
import os, sys

HOARD = []


def application(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/grow":
        mb = int(environ.get("QUERY_STRING", "mb=1").split("=", 1)[1])
        HOARD.append(bytearray(b"x" * (mb << 20)))
        body = str(os.getpid()).encode()
    elif path == "/stdin":
        body = sys.stdin.readline().encode()
    elif path == "/pid":
        body = str(os.getpid()).encode()
    else:
        body = ("hello from %d" % os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
