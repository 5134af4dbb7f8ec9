"""A --mount test app loaded as a module (/p=pkg.mod:app)."""


def app(environ, start_response):
    body = "pkg.mod SCRIPT_NAME=%r PATH_INFO=%r" % (environ.get("SCRIPT_NAME"), environ.get("PATH_INFO"))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body.encode("utf-8")]
