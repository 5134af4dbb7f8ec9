# A WSGI app for the master's fault-injection tests.
#   /            "hello from <pid>"
#   /pid         the worker's pid
#   /wait?f=PATH waits (bounded) until PATH exists, then answers: a request held in a worker
#   /hang        sleeps a long time (for harakiri)
#   /echo        the request body
#   /echoall     the request body read to its end, and its CONTENT_LENGTH ("-" when none): "N:body"
#   /version     the content of version.txt next to this file, read at import time
#   /raise       raises (an exception for the stats)
#   /grow?mb=N   keeps N MiB more in this worker (written: resident)
import os, time

GROWN = []

HERE = os.path.dirname(os.path.abspath(__file__))
try:
    with open(os.path.join(HERE, "version.txt")) as f:
        VERSION = f.read().strip()
except OSError:
    VERSION = "none"


def application(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/pid":
        body = str(os.getpid()).encode()
    elif path == "/wait":
        target = environ["QUERY_STRING"].split("=", 1)[1]
        open(target + ".started", "w").close()
        deadline = time.time() + 30
        while not os.path.exists(target) and time.time() < deadline:
            time.sleep(0.01)
        body = b"waited"
    elif path == "/grow":
        mb = int(environ["QUERY_STRING"].split("=", 1)[1])
        GROWN.append(b"\x01" * (mb << 20))
        body = b"grown"
    elif path == "/hang":
        time.sleep(60)
        body = b"never"
    elif path == "/echo":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
    elif path == "/echoall":
        body = (environ.get("CONTENT_LENGTH") or "-").encode() + b":" + environ["wsgi.input"].read()
    elif path == "/version":
        body = VERSION.encode()
    elif path == "/raise":
        raise RuntimeError("raised on purpose")
    else:
        body = ("hello from %d" % os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
