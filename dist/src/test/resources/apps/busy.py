# A WSGI app for the cheaper tests: /sleep keeps its worker busy for 0.2 s, anything else answers at once.
import time


def application(environ, start_response):
    if environ["PATH_INFO"] == "/sleep":
        time.sleep(0.2)
    body = b"ok"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
