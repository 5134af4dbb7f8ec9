# The app behind the HTTP router's tests (HttpRouterIT): each path one behaviour.
import hashlib
import os
import sys
import time


def application(environ, start_response):
    path = environ['PATH_INFO']
    if path == '/env':
        body = ''.join('%s=%s\n' % (k, v) for k, v in sorted(environ.items()) if k.isupper()).encode()
        start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
        return [body]
    if path == '/pid':
        body = str(os.getpid()).encode()
        start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
        return [body]
    if path == '/nolen':
        # no Content-Length: the router chunks it (--http-auto-chunked) or closes after it
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'part one,', b'part two']
    if path == '/gzip':
        # uWSGI's way to ask the router for gzip: uWSGI-Encoding, no length, no Content-Encoding
        start_response('200 OK', [('Content-Type', 'text/plain'), ('uWSGI-Encoding', 'gzip')])
        return [b'compress me ' * 500]
    if path == '/die':
        # the worker dies mid-response: the router must cut this client and go on serving
        start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', '100000')])

        def body():
            yield b'x' * 1000
            os._exit(1)
        return body()
    if path == '/md5':
        # the body as the app reads it: its length and digest
        data = environ['wsgi.input'].read()
        body = ('%d %s' % (len(data), hashlib.md5(data).hexdigest())).encode()
        start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
        return [body]
    if path == '/big':
        # more than the kernel buffers for a reader in the JVM (4 MiB): the worker waits for the router
        size = int(environ.get('QUERY_STRING') or '0')
        start_response('200 OK', [('Content-Type', 'application/octet-stream'), ('Content-Length', str(size))])
        return (bytes([i % 251]) * 65536 for i in range(size // 65536))
    if path == '/busy':
        # says it is in a worker (the test waits for the line), then holds the worker 5 s
        print('busy %s' % environ.get('QUERY_STRING'), file=sys.stderr, flush=True)
        time.sleep(5)
        start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', '4')])
        return [b'busy']
    if path == '/slow':
        time.sleep(float(environ.get('QUERY_STRING') or '5'))
        start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', '4')])
        return [b'slow']
    body = b'Hello World'
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
