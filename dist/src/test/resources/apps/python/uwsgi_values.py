# PythonIT: the values of the uwsgi module, as JSON; /reload asks for a graceful reload.
import json
import os

import uwsgi

LOADED_IN = uwsgi.worker_id()


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json")])
    if environ["PATH_INFO"] == "/reload":
        return [json.dumps(uwsgi.reload()).encode()]
    uwsgi.log("uwsgi.log from worker %d" % uwsgi.worker_id())
    values = {
        "opt_processes": uwsgi.opt["processes"].decode(),
        "opt_master": uwsgi.opt["master"],
        "opt_env": [v.decode() for v in uwsgi.opt["env"]],
        "numproc": uwsgi.numproc,
        "worker_id": uwsgi.worker_id(),
        "loaded_in": LOADED_IN,
        "masterpid": uwsgi.masterpid(),
        "request_id": uwsgi.request_id(),
        "started_on": uwsgi.started_on,
        "version": repr(type(uwsgi.version)) + " " + uwsgi.version.decode(),
        "pid": os.getpid(),
    }
    return [json.dumps(values).encode()]
