# A WSGI app for the alarm tests (AlarmIT).
#   /alarm?name=N&m=TEXT  uwsgi.alarm(N, TEXT)
#   /log?m=TEXT&n=K       writes the line TEXT K times (default 1) to stderr: the server log
#   /hang                 sleeps a long time (for harakiri)
#   /crash                the worker kills itself with SIGSEGV (a crash for --alarm-segfault)
#   /wait?f=PATH          waits (bounded) until PATH exists: holds the worker
# Signal 17 (a signal: alarm raises it) appends "17" to signal17.txt next to this file.
import os, signal, sys, time
from urllib.parse import parse_qs

import uwsgi

HERE = os.path.dirname(os.path.abspath(__file__))


def on_signal(num):
    with open(os.path.join(HERE, "signal17.txt"), "a") as f:
        f.write("%d\n" % num)


uwsgi.register_signal(17, "workers", on_signal)


def application(environ, start_response):
    path = environ["PATH_INFO"]
    q = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    if path == "/alarm":
        uwsgi.alarm(q["name"], q["m"])
    elif path == "/log":
        for _ in range(int(q.get("n", "1"))):
            sys.stderr.write(q["m"] + "\n")
        sys.stderr.flush()
    elif path == "/hang":
        time.sleep(60)
    elif path == "/crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif path == "/wait":
        deadline = time.time() + 30
        while not os.path.exists(q["f"]) and time.time() < deadline:
            time.sleep(0.01)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
