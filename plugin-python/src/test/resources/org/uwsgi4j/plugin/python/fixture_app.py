# The Python host's fixture app: one WSGI callable routed by PATH_INFO. It serves the worker
# host kit's endpoints (worker-tck: WorkerHostContract's Javadoc is their contract) and the
# Python-specific ones of WorkerHostTest.
import json
import os
import socket

# Count the worker's sendall() calls: the channels are opened after this import.
SENDS = [0]
_sendall = socket.socket.sendall


def counting_sendall(self, data, *flags):
    SENDS[0] += 1
    return _sendall(self, data, *flags)


socket.socket.sendall = counting_sendall


class Closing:
    # An iterable whose close() is logged through wsgi.errors.

    def __init__(self, environ, chunks, fail=False):
        self.environ, self.chunks, self.fail = environ, chunks, fail

    def __iter__(self):
        for c in self.chunks:
            yield c
        if self.fail:
            raise RuntimeError("late failure")

    def close(self):
        self.environ["wsgi.errors"].write("closed\n")


def application(environ, start_response):
    path = environ["PATH_INFO"]
    text = [("Content-Type", "text/plain")]
    if path == "/hello":
        start_response("200 OK", text)
        return [b"Hello World"]
    if path == "/stream":
        def stream():
            yield b"first"
            yield environ["wsgi.input"].read(3)    # blocks until the kernel answers the READ
            yield b"last"
        start_response("200 OK", text)
        return stream()
    if path == "/echo":
        body = environ["wsgi.input"].read()
        more = environ["wsgi.input"].read()       # past the end: must not READ again
        start_response("200 OK", [("Content-Length", str(len(body + more)))])
        return [body + more]
    if path == "/lines":
        inp = environ["wsgi.input"]
        first = inp.readline()
        part = inp.read(2)
        rest = list(inp)
        if inp.read(1) or inp.readline() or inp.read():  # past the end: must not READ again
            raise AssertionError("read past the end")
        start_response("200 OK", text)
        return [json.dumps([first.decode(), part.decode()] + [r.decode() for r in rest]).encode()]
    if path == "/readlines":
        lines = environ["wsgi.input"].readlines()
        start_response("200 OK", text)
        return [json.dumps([x.decode() for x in lines]).encode()]
    if path == "/sends":
        start_response("200 OK", text)
        return [str(SENDS[0]).encode()]
    if path == "/chunks":
        start_response("200 OK", text)
        return iter([b"a", b"", b"b", b"c"])
    if path == "/raise":
        return 1 // 0
    if path == "/raise-late":
        start_response("200 OK", text)
        return Closing(environ, [b"partial"], fail=True)
    if path == "/close":
        start_response("200 OK", text)
        return Closing(environ, [b"a", b"b"])
    if path == "/stdio-lines":
        import sys
        for i in range(int(environ["QUERY_STRING"])):
            out = sys.stdout if i % 2 == 0 else sys.stderr
            out.write("L%d %d " % (os.getpid(), i) + "x" * 10000)
            environ["wsgi.input"].read(1)  # the kit lets the other worker write its first half here
            out.write("x" * 10000 + "\n")
        start_response("200 OK", text)
        return [b"written"]
    if path == "/log":
        environ["wsgi.errors"].write("hello log\nsecond ")
        environ["wsgi.errors"].write("part\n")
        start_response("200 OK", text)
        return [b"logged"]
    if path == "/write":
        write = start_response("201 Created", text)
        write(b"written,")
        return [b"returned"]
    if path == "/exc-info":
        try:
            raise ValueError("oops")
        except ValueError:
            import sys
            start_response("200 OK", text)
            start_response("500 Oops", text, sys.exc_info())
        return [b"replaced"]
    if path == "/environ":
        keys = ["wsgi.version", "wsgi.url_scheme", "wsgi.multithread", "wsgi.multiprocess",
                "wsgi.run_once", "wsgi.input_terminated", "QUERY_STRING", "PATH_INFO", "EMPTY"]
        start_response("200 OK", [("Content-Type", "application/json"), ("X-Pid", str(os.getpid()))])
        return [json.dumps({k: environ.get(k) for k in keys}).encode()]
    if path == "/hop":
        start_response("200 OK", text + [("Connection", "close")])
        return [b"never"]
    if path == "/crlf":
        start_response("200 OK", text + [("X-Bad", "a\r\nSet-Cookie: x=1")])
        return [b"never"]
    if path == "/file":
        f = open(environ["QUERY_STRING"], "rb")
        start_response("200 OK", text)
        return environ["wsgi.file_wrapper"](f)
    if path == "/filelike":
        import io
        start_response("200 OK", text)
        return environ["wsgi.file_wrapper"](io.BytesIO(b"x" * 10000), 4096)
    if path == "/uwsgi":
        import uwsgi
        uwsgi.log("via uwsgi.log")
        values = [uwsgi.worker_id(), uwsgi.numproc, uwsgi.masterpid(), uwsgi.request_id(),
                  uwsgi.version.decode(), sorted(uwsgi.opt), "wsgi.file_wrapper" in environ]
        start_response("200 OK", text)
        return [json.dumps(values).encode()]
    if path == "/reload":
        import uwsgi
        start_response("200 OK", text)
        return [str(uwsgi.reload()).encode()]
    if path == "/endless":
        import itertools
        start_response("200 OK", text)
        return Closing(environ, itertools.repeat(b"tick"))
    if path == "/numbered":
        start_response("200 OK", text)
        return Numbered(environ)
    if path == "/endless-empty":
        import itertools
        start_response("200 OK", text)
        return Closing(environ, itertools.chain([b"first"], itertools.repeat(b"")))
    if path == "/write-endless":
        write = start_response("200 OK", text)
        try:
            while True:
                write(b"w")
        except OSError as e:
            environ["wsgi.errors"].write("write() raised %s: %s\n" % (type(e).__name__, e))
        return []
    if path == "/count":
        start_response("200 OK", text)
        return (b"%d\n" % i for i in range(int(environ["QUERY_STRING"])))
    if path == "/pid":
        start_response("200 OK", text)
        return [str(os.getpid()).encode()]
    if path == "/call":
        import uwsgi
        try:
            values = ["ok"] + list(uwsgi._call(environ["QUERY_STRING"]))
        except RuntimeError:
            values = ["error"]
        start_response("200 OK", text)
        return [" ".join(values).encode()]
    if path == "/signal-register":
        register_signals(int(environ["QUERY_STRING"]))
        start_response("200 OK", text)
        return [b"registered"]
    if path == "/signals":
        start_response("200 OK", text)
        return [" ".join(str(n) for n in HANDLED).encode()]
    if path == "/file-at-2":
        f = open(environ["QUERY_STRING"], "rb")
        f.seek(2)
        start_response("200 OK", text)
        return environ["wsgi.file_wrapper"](f)
    if path == "/sized":
        # a framework's response: an iterable (not a list) with a Content-Length, code after its last yield
        def sized():
            yield b"Hello "
            yield b"World"
            AFTER.append(environ["QUERY_STRING"])
            if environ["QUERY_STRING"] == "raise":
                raise RuntimeError("after the last chunk")
            if environ["QUERY_STRING"] == "more":
                yield b" and more"               # past Content-Length: dropped, and the iteration ends here
                AFTER.append("unreached")
        start_response("200 OK", text + [("Content-Length", "11")])
        return Closing(environ, sized())
    if path == "/after":
        start_response("200 OK", text)
        return [",".join(AFTER).encode()]
    start_response("404 Not Found", text)
    return [b"not found"]


AFTER = []       # what /sized ran after its last yield

# Signals (the kit's /signal-register and /signals): at the end, so the lines above keep their numbers.
HANDLED = []     # the signals the handler of /signal-register ran for, in order


def register_signals(n):
    import uwsgi

    def handler(signum):
        HANDLED.append(signum)

    def failing(signum):
        raise RuntimeError("signal handler failed")

    uwsgi.register_signal(n, "workers", handler)
    uwsgi.register_signal(n + 1, "workers", failing)


if os.environ.get("KIT_SIGNAL_AT_LOAD"):
    register_signals(int(os.environ["KIT_SIGNAL_AT_LOAD"]))


# The kit's /numbered: here at the end too, so the lines above keep their numbers.

class Numbered:
    # Endless chunks b"0", b"1" …; close() logs how many the server asked for.

    def __init__(self, environ):
        self.environ, self.given = environ, 0

    def __iter__(self):
        return self

    def __next__(self):
        self.given += 1
        return b"%d" % (self.given - 1)

    def close(self):
        self.environ["wsgi.errors"].write("gave %d\n" % self.given)
