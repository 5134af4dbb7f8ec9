# SignalsIT: an app using Debian's python3-uwsgidecorators as users import it. Each handler
# appends the worker id to a file named after it in $OUT, which the test reads.
import os

import uwsgi
from uwsgidecorators import cron, filemon, postfork, signal, timer

OUT = os.environ["OUT"]


def mark(name):
    with open(os.path.join(OUT, name), "a") as f:
        f.write("%d\n" % uwsgi.worker_id())


@postfork
def forked():
    mark("postfork")


@signal(17, target="workers")
def each_worker(signum):
    mark("workers-17")


@signal(18)
def fails(signum):
    raise ValueError("handler failed on purpose")


@signal(19)
def option_timer(signum):        # raised by the server's --timer "19 1"
    mark("timer-option")


@timer(1)
def tick(signum):
    mark("timer")


@cron(-1, -1, -1, -1, -1)
def every_minute(signum):
    mark("cron")


@filemon(os.path.join(OUT, "watched"))
def changed(signum):
    mark("filemon")


def application(environ, start_response):
    query = environ.get("QUERY_STRING")
    if query:
        uwsgi.signal(int(query))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(uwsgi.worker_id()).encode()]
