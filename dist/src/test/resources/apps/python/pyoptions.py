# Reports what --pyargv, --optimize and --import/--shared-import did to the interpreter.
import sys


def application(environ, start_response):
    imported = ",".join(sorted(m for m in ("colorsys", "fractions") if m in sys.modules))
    body = ("argv=%s optimize=%d imported=%s" % (" ".join(sys.argv), sys.flags.optimize, imported)).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
