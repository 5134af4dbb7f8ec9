# AppBatteryIT's WSGI fixture: the battery's endpoint contract (AppBatteryIT's Javadoc,
# docs/testing.md "The app battery"), routed by PATH_INFO. Plain PEP 3333, no framework.
import io
import json
import os
import time

TEXT = [("Content-Type", "text/plain")]


def read_all(environ):
    inp = environ["wsgi.input"]
    parts = []
    while True:
        chunk = inp.read(65536)
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)


def env(environ):
    """Every CGI variable (a name without a dot), its bytes decoded as UTF-8, and the body."""
    out = {k: v.encode("latin-1").decode("utf-8", "replace")
           for k, v in environ.items() if "." not in k and isinstance(v, str)}
    out["battery.body"] = read_all(environ).decode("utf-8", "replace")
    return json.dumps(out).encode("utf-8")


def await_gate(path):
    """Waits (bounded) for the test to create `path`: it has read the previous chunk."""
    deadline = time.monotonic() + 10
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.005)


def stream(gates):
    for i in range(5):
        if i:
            await_gate(os.path.join(gates, "gate-%d" % i))
        yield ("chunk %d\n" % i).encode()


def late_failure():
    yield b"partial"
    raise RuntimeError("battery: late failure")


class Unreadable(io.FileIO):
    """A real file the app's process refuses to read: its bytes can only come by SENDFILE."""

    def read(self, size=-1):
        raise OSError("battery: the worker read the file")

    readinto = readall = read


def application(environ, start_response):
    path, query = environ["PATH_INFO"], environ["QUERY_STRING"]
    if path.startswith("/env"):
        body = env(environ)
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    if path == "/echo":
        body = read_all(environ)
        start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(len(body)))])
        return [body]
    if path == "/stream":
        start_response("200 OK", TEXT)
        return stream(query)
    if path == "/write":
        write = start_response("200 OK", TEXT)
        write(b"written ")
        return [b"and returned"]
    if path == "/raise-early":
        raise RuntimeError("battery: early failure")
    if path == "/raise-late":
        start_response("200 OK", TEXT)
        return late_failure()
    if path == "/head":
        start_response("200 OK", TEXT + [("Content-Length", "11")])
        return [b"hello head\n"]
    if path == "/pid":
        start_response("200 OK", TEXT)
        return [str(os.getpid()).encode()]
    if path == "/file":
        f = Unreadable(query)
        start_response("200 OK", [("Content-Type", "application/octet-stream"),
                                  ("Content-Length", str(os.fstat(f.fileno()).st_size))])
        return environ["wsgi.file_wrapper"](f)
    if path == "/hop":
        start_response("200 OK", TEXT + [("Transfer-Encoding", "chunked")])
        return [b"framed by the server\n"]
    start_response("404 Not Found", TEXT)
    return [b"no such battery endpoint\n"]
