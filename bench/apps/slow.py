# bench/wrk-overload.sh's app: a page that takes 20 ms (a database call, say); POST bodies are read.
import time


def application(environ, start_response):
    if environ.get('REQUEST_METHOD') == 'POST':
        environ['wsgi.input'].read()
    else:
        time.sleep(0.02)
    body = b"Hello, slowly!\n"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
