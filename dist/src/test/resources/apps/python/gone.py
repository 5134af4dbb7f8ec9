# ClientGoneIT: responses that never end on their own; each iterable's close() drops a marker.
#   /endless?MARKER   chunks as fast as the client takes them
#   /quiet?MARKER     one chunk, then only empty chunks: nothing is written, so only the
#                     server's watch of the connection can see the client go
#   /pid              the worker's pid
import itertools
import os
import time

TEXT = [("Content-Type", "text/plain")]


class Closing:
    """An iterable whose close() writes MARKER (atomically: it appears with its content)."""

    def __init__(self, chunks, marker):
        self.chunks, self.marker = chunks, marker

    def __iter__(self):
        return iter(self.chunks)

    def close(self):
        with open(self.marker + ".tmp", "w") as f:
            f.write("closed")
        os.rename(self.marker + ".tmp", self.marker)


def quiet():
    yield b"first\n"
    while True:
        time.sleep(0.01)
        yield b""


def application(environ, start_response):
    path, query = environ["PATH_INFO"], environ["QUERY_STRING"]
    if path == "/endless":
        start_response("200 OK", TEXT)
        return Closing(itertools.repeat(b"x" * 1000 + b"\n"), query)
    if path == "/quiet":
        start_response("200 OK", TEXT)
        return Closing(quiet(), query)
    start_response("200 OK", TEXT)
    return [str(os.getpid()).encode()]
