# PythonIT: wsgi.file_wrapper with a real file (sent by the kernel) and with a file-like.
import io
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def application(environ, start_response):
    wrapper = environ.get("wsgi.file_wrapper")
    if environ["PATH_INFO"] == "/has-wrapper":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(wrapper is not None).encode()]
    if environ["PATH_INFO"] == "/filelike":
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return wrapper(io.BytesIO(b"from a file-like " * 1000), 4096)
    f = open(os.path.join(HERE, environ["QUERY_STRING"]), "rb")
    f.seek(10)
    size = os.fstat(f.fileno()).st_size - 10
    start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(size))])
    return wrapper(f) if wrapper is not None else iter(lambda: f.read(65536), b"")
