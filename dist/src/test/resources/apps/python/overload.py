"""The overload tests' app (OverloadIT): /slow takes 20 ms, /upload reads its body and
answers its length, anything else answers at once."""
import time


def application(environ, start_response):
    path = environ.get('PATH_INFO', '')
    if path == '/slow':
        time.sleep(0.02)
        body = b'slow\n'
    elif path == '/upload':
        body = b'%d\n' % len(environ['wsgi.input'].read())
    else:
        body = b'quick\n'
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
