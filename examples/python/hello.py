# The smallest WSGI application (PEP 3333): ./uwsgi4j --http-socket :8080 --wsgi-file examples/python/hello.py
def application(environ, start_response):
    body = b"Hello from uwsgi4j!\n"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
