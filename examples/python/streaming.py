# A streamed response: each chunk goes to the client as the generator yields it (chunked).
#   ./uwsgi4j --http-socket :8080 --wsgi-file examples/python/streaming.py
#   curl -N localhost:8080/
import time


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])

    def countdown():
        for i in range(5, 0, -1):
            yield b"%d...\n" % i
            time.sleep(0.2)
        yield b"liftoff\n"
    return countdown()
