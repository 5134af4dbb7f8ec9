# PythonIT: a PEP 3333 application wrapped in wsgiref.validate.validator, routed by PATH_INFO.
import hashlib
import json
import os
import threading
import time
from wsgiref.validate import validator

TEXT = [("Content-Type", "text/plain")]
BARRIER = threading.Barrier(4)


def pattern(n):
    """n deterministic bytes (the test computes the same)."""
    return (bytes(range(256)) * (n // 256 + 1))[:n]


def read_all(environ):
    inp = environ["wsgi.input"]
    parts = []
    while True:
        chunk = inp.read(65536)
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)


class Closing:
    """An iterable whose close() writes a marker file."""

    def __init__(self, chunks, marker):
        self.chunks, self.marker = chunks, marker

    def __iter__(self):
        return iter(self.chunks)

    def close(self):
        with open(self.marker, "w") as f:
            f.write("closed")


def slow_chunks(gate):
    yield b"first chunk\n"
    deadline = time.time() + 20
    while not os.path.exists(gate) and time.time() < deadline:
        time.sleep(0.01)
    for _ in range(100):
        yield b"more\n"


def app(environ, start_response):
    path = environ["PATH_INFO"]
    query = environ["QUERY_STRING"]
    if path == "/echo":
        body = read_all(environ)
        start_response("200 OK", TEXT)
        return [json.dumps({"method": environ["REQUEST_METHOD"], "length": len(body),
                            "sha256": hashlib.sha256(body).hexdigest(),
                            "content_length": environ.get("CONTENT_LENGTH", "")}).encode()]
    if path == "/big":
        body = pattern(int(query))
        start_response("200 OK", TEXT + [("Content-Length", str(len(body)))])
        return [body]
    if path == "/stream":
        def gen():
            for i in range(5):
                yield ("chunk %d\n" % i).encode()
        start_response("200 OK", TEXT)
        return gen()
    if path == "/write":
        write = start_response("200 OK", TEXT)
        write(b"written ")
        return [b"and returned"]
    if path == "/raise-early":
        raise ZeroDivisionError("early failure")
    if path == "/raise-late":
        def gen():
            yield b"partial"
            raise RuntimeError("late failure")
        start_response("200 OK", TEXT)
        return gen()
    if path == "/hop":
        start_response("200 OK", TEXT + [("Transfer-Encoding", "chunked")])
        return [b"never"]
    if path == "/disconnect":
        start_response("200 OK", TEXT)
        return Closing(slow_chunks(query + ".gate"), query)
    if path == "/barrier":
        start = time.time()
        try:
            BARRIER.wait(timeout=15)
            outcome = "together"
        except threading.BrokenBarrierError:
            outcome = "alone"
        start_response("200 OK", TEXT)
        return [("%s %s" % (outcome, threading.current_thread().name)).encode()]
    if path == "/pid":
        start_response("200 OK", TEXT)
        return [str(os.getpid()).encode()]
    start_response("200 OK", TEXT)
    return [json.dumps({"method": environ["REQUEST_METHOD"], "query": query,
                        "path": path.encode("latin-1").decode("utf-8"),
                        "script_name": environ["SCRIPT_NAME"]}).encode("utf-8")]


application = validator(app)
