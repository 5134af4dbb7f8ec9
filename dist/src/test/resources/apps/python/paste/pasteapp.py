# The app factory of app.ini (PasteIT): PasteDeploy calls make_app with the ini's values.
import logging
import os


def make_app(global_conf, greeting="hello", **local):
    logging.getLogger("pasteapp").info("factory called with greeting=%s", greeting)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [("%s from %s (pid %d)" % (greeting, global_conf["__file__"], os.getpid())).encode()]
    return app


def broken_factory(global_conf, **local):
    raise RuntimeError("the factory refuses: %s" % local.get("reason"))
