# WorkerCallIT: calls the test's WorkerCall services through uwsgi.kernel_call, at import time
# (before the app is ready: on the host's control channel) and from a request (on its core's).
import json

import uwsgi


def error_of(name, *args):
    try:
        uwsgi.kernel_call(name, *args)
    except RuntimeError as e:
        return str(e)
    return None


AT_IMPORT = uwsgi.kernel_call("test.echo", "import", b"bytes")
UNKNOWN_AT_IMPORT = error_of("test.nosuch")


def application(environ, start_response):
    body = {
        "import": AT_IMPORT,
        "unknown_at_import": UNKNOWN_AT_IMPORT,
        "request": uwsgi.kernel_call("test.echo", "request", environ["PATH_INFO"]),
        "failing": error_of("test.fails"),
        "unknown": error_of("test.nosuch"),
    }
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(body, sort_keys=True).encode()]
