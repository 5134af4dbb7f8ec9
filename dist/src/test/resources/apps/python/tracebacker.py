# A WSGI app for TracebackerIT: /hold?f=PATH waits in held_in_a_known_function: it creates
# PATH.started, then waits (bounded, 30 s) until PATH exists. Anything else answers at once.
import os
import time


def held_in_a_known_function(release):
    wait_for(release)
    return b"released"


def wait_for(path):
    open(path + ".started", "w").close()
    deadline = time.time() + 30
    while not os.access(path, os.F_OK) and time.time() < deadline:  # C calls only: wait_for stays the innermost frame
        time.sleep(0.01)


def application(environ, start_response):
    if environ["PATH_INFO"] == "/hold":
        body = held_in_a_known_function(environ["QUERY_STRING"].split("=", 1)[1])
    else:
        body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]
