# A WSGI app for WriteErrorsIT: what the app sees when its client goes away mid-response.
#   /write?f=FILE    write() callable: "first", then (once FILE.closed exists: the client is
#                    gone) 40 writes 25 ms apart; FILE gets "raised K" (write K raised OSError)
#                    or "no error"
#   /iterate?f=FILE  a generator: "first", then (once FILE.closed exists) 40 chunks 25 ms
#                    apart, each index appended to FILE; close() appends "closed"
import os, time
from urllib.parse import parse_qs


def wait_closed(f):
    deadline = time.time() + 20
    while not os.path.exists(f + ".closed") and time.time() < deadline:
        time.sleep(0.01)


def record(f, line):
    with open(f, "a") as out:
        out.write(line + "\n")


class Chunks:
    def __init__(self, f):
        self.f = f

    def __iter__(self):
        yield b"first\n"
        wait_closed(self.f)
        for i in range(40):
            time.sleep(0.025)
            record(self.f, str(i))
            yield b"x" * 65536

    def close(self):
        record(self.f, "closed")


def application(environ, start_response):
    q = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    f = q["f"]
    if environ["PATH_INFO"] == "/write":
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"first\n")
        wait_closed(f)
        for i in range(40):
            time.sleep(0.025)
            try:
                write(b"x" * 65536)
            except OSError as e:
                record(f, "raised %d %s" % (i, e))
                return []
        record(f, "no error")
        return []
    start_response("200 OK", [("Content-Type", "text/plain")])
    return Chunks(f)
