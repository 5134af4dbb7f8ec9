# A WSGI app that runs a program while it holds a request, for the inherited-descriptor tests.
#   /spawn?f=PATH  starts `sleep 60` as os.system would leave it (close_fds=False: every
#                  inheritable descriptor passes), writes its pid to PATH.pid, then waits
#                  (bounded) until PATH exists, stops it and answers
import os, subprocess, time


def application(environ, start_response):
    target = environ["QUERY_STRING"].split("=", 1)[1]
    child = subprocess.Popen(["sleep", "60"], close_fds=False)
    with open(target + ".pid.tmp", "w") as f:
        f.write(str(child.pid))
    os.rename(target + ".pid.tmp", target + ".pid")
    deadline = time.time() + 30
    while not os.path.exists(target) and time.time() < deadline:
        time.sleep(0.01)
    child.kill()
    child.wait()
    body = b"spawned"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
