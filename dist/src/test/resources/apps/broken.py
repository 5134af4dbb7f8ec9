# An app that cannot load: --need-app must end the server with a clear line.
import this_module_does_not_exist  # noqa: F401


def application(environ, start_response):
    start_response("200 OK", [])
    return [b""]
