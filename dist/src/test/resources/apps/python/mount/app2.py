"""A --mount test app: answers "app2 SCRIPT_NAME=... PATH_INFO=..." (repr of each, None if missing)."""


def application(environ, start_response):
    body = "app2 SCRIPT_NAME=%r PATH_INFO=%r" % (environ.get("SCRIPT_NAME"), environ.get("PATH_INFO"))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body.encode("utf-8")]
