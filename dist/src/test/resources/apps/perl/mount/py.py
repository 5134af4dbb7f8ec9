# A mounted WSGI app beside PSGI ones: "py SCRIPT_NAME|PATH_INFO".
def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [("py %s|%s" % (environ.get("SCRIPT_NAME", ""), environ["PATH_INFO"])).encode("latin-1")]
