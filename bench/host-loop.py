#!/usr/bin/env python3
"""The CPU one worker host spends per request, without the JVM: this script plays the kernel.

    bench/host-loop.py python|perl|ruby [requests] [rounds] [app]

It starts the host of that language (the worker host resource of plugin-python, plugin-psgi or
plugin-rack, as the kernel would: a generation socket, UWSGI4J_* variables), answers its HELLO,
asks it to FORK worker 1, and then sends hello requests (GET /, the variables wrk's requests
carry through uwsgi4j's HTTP socket, body inline and empty) one after the other on the worker's
core channel, reading each response to its END. For each round of [requests] it prints the
worker process's CPU (user + system, from /proc/PID/stat) per request. Only the worker's CPU is
counted, not this script's. Default app: examples/{python/hello.py, psgi/hello.psgi, rack/hello.ru}.

HOST_SCRIPT=a,b,... runs these copies of the host side by side (e.g. the one before a change and
the one after), taking turns every 500 requests, so that a busy machine slows them alike; each
round prints each worker's CPU per request. HOST_FLAGS are put between the interpreter and the
host (e.g. -d:NYTProf). PIPELINE=d1,d2,... keeps that many requests written ahead of the responses read, per host (default
1: the next request is written after the last one's END), to see what a host costs when it never
waits for its next request. AHEAD=a1,a2,... (0 or 1 per host) with 1 plays the kernel of "Requests
written ahead" (docs/worker-protocol.md): the core's FIFO is opened at its HELLO (name removed), request
N+1 is written into it right after N was written on the channel, and after N's END it is read back:
what comes back the host did not take, and goes on the channel; each round then also prints how many
requests the host took from the FIFO. A host that offers no FIFO is served one by one. PROFILE=1 leaves the workers running after the rounds, for a profiler,
until Enter is pressed.
Not a test: nothing is asserted.
"""
import os
import secrets
import shutil
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOSTS = {
    "python": (["/usr/bin/python3", "plugin-python/src/main/resources/org/uwsgi4j/plugin/python/uwsgi4j_worker.py"],
               "UWSGI4J_WSGI_FILE", "examples/python/hello.py"),
    "perl": (["/usr/bin/perl", "plugin-psgi/src/main/resources/org/uwsgi4j/plugin/psgi/uwsgi4j_worker.pl"],
             "UWSGI4J_PSGI", "examples/psgi/hello.psgi"),
    "ruby": (["/usr/bin/ruby", "plugin-rack/src/main/resources/org/uwsgi4j/plugin/rack/uwsgi4j_worker.rb"],
             "UWSGI4J_RACK", "examples/rack/hello.ru"),
}
HEADER = struct.Struct("<BBHI")
HELLO, READY, FORK, REQUEST, BODY, START, DATA, END, ERROR, LOG = 1, 2, 4, 10, 11, 20, 21, 22, 23, 30
# what uwsgi4j's HTTP socket sends for wrk's `GET / HTTP/1.1` + `Host:` (captured with strace)
VARS = ["REQUEST_METHOD", "GET", "REQUEST_URI", "/", "PATH_INFO", "/", "QUERY_STRING", "",
        "SERVER_PROTOCOL", "HTTP/1.1", "SCRIPT_NAME", "", "SERVER_NAME", "localhost",
        "SERVER_PORT", "8080", "REMOTE_ADDR", "127.0.0.1", "REMOTE_PORT", "45252",
        "HTTP_HOST", "127.0.0.1:8080"]


def frame(ftype, payload=b"", flags=0):
    return HEADER.pack(ftype, flags, 0, len(payload)) + payload


class Reader:
    def __init__(self, sock):
        self.sock, self.buf = sock, bytearray()

    def read(self):
        while True:
            if len(self.buf) >= 8:
                ftype, flags, _, n = HEADER.unpack_from(self.buf)
                if len(self.buf) >= 8 + n:
                    payload = bytes(self.buf[8:8 + n])
                    del self.buf[:8 + n]
                    return ftype, payload
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("the host closed its channel")
            self.buf += data


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return int(parts[11]), int(parts[12])   # user, system


class Host:
    """One host process (started as the kernel would) and the core channel of its worker 1."""

    def __init__(self, lang, script, app, tmp, name):
        command, app_var, _ = HOSTS[lang]
        self.name = name
        path = os.path.join(tmp, name + ".sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        listener.listen(8)
        env = dict(os.environ, UWSGI4J_SOCKET=path, UWSGI4J_TOKEN=secrets.token_hex(16), UWSGI4J_ROLE="host",
                   UWSGI4J_THREADS="1", UWSGI4J_PROCESSES="1", UWSGI4J_OPTIONS="[]")
        env[app_var] = app
        argv = [command[0]] + os.environ.get("HOST_FLAGS", "").split() + [script]
        self.process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL)
        with listener:
            control, _ = listener.accept()
            ctl = Reader(control)
            assert ctl.read()[0] == HELLO
            ftype, payload = ctl.read()
            if ftype != READY:
                sys.exit("%s: the host did not load: %r" % (name, payload))
            control.sendall(frame(FORK, b"1\0"))
            self.control = control
            self.core, _ = listener.accept()
        self.ch = Reader(self.core)
        ftype, payload = self.ch.read()
        assert ftype == HELLO
        fields = payload.split(b"\0")
        self.worker = int(fields[4])
        self.fifo = open_ahead(os.path.join(tmp, "ahead.%d.%d" % (self.worker, int(fields[3]))))
        self.ticks = [0, 0]
        self.depth = 1
        self.ahead = False
        self.taken = 0      # requests the host took from the FIFO

    def run(self, n, request):
        """Sends n requests, keeping self.depth of them written ahead of the responses read, or with
        self.ahead each next one written into the FIFO while one is in hand."""
        if self.ahead:
            return self.run_ahead(n, request)
        core = self.core
        ahead = min(self.depth, n)
        core.sendall(request * ahead)
        for i in range(n):
            self.await_end()
            if i + ahead < n:
                core.sendall(request)

    def await_end(self):
        """Reads the core channel to the response's END (an ERROR ends the script)."""
        while True:
            ftype, payload = self.ch.read()
            if ftype == END:
                return
            if ftype == ERROR:
                sys.exit("%s: ERROR %r" % (self.name, payload))

    def run_ahead(self, n, request):
        """The kernel's side of "Requests written ahead": request i+1 into the FIFO while i is in
        hand; after i's END, what the FIFO gives back the host did not take: on the channel."""
        core, fifo = self.core, self.fifo
        core.sendall(request)
        pending = n > 1
        if pending:
            os.write(fifo, request)
        for i in range(n):
            self.await_end()
            if pending:
                try:
                    back = os.read(fifo, 65536)
                except BlockingIOError:
                    back = b""
                if back:
                    core.sendall(back)
                else:
                    self.taken += 1
            pending = i + 2 < n
            if pending:               # request i+1 is in hand: i+2 goes ahead
                os.write(fifo, request)

    def stop(self):
        self.process.terminate()
        self.process.wait()


def open_ahead(path):
    """The core's ahead FIFO opened as the kernel opens it (a FIFO, not a link; the name removed), or -1."""
    try:
        if not stat.S_ISFIFO(os.lstat(path).st_mode):
            return -1
    except FileNotFoundError:
        return -1
    fd = os.open(path, os.O_RDWR | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    os.unlink(path)
    return fd


def main():
    lang = sys.argv[1]
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 50000
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    app = sys.argv[4] if len(sys.argv) > 4 else os.path.join(ROOT, HOSTS[lang][2])
    scripts = (os.environ.get("HOST_SCRIPT") or os.path.join(ROOT, HOSTS[lang][0][1])).split(",")
    tmp = tempfile.mkdtemp()
    hosts = []
    try:
        for i, script in enumerate(scripts):
            hosts.append(Host(lang, script, app, tmp, "host%d" % i))
        for h, depth in zip(hosts, os.environ.get("PIPELINE", "").split(",")):
            h.depth = int(depth or 1)
        for h, ahead in zip(hosts, os.environ.get("AHEAD", "").split(",")):
            h.ahead = ahead == "1" and h.fifo >= 0
        request = frame(REQUEST, ("\0".join(VARS) + "\0").encode("latin-1"), flags=1) + frame(BODY)
        hz = os.sysconf("SC_CLK_TCK")
        for h in hosts:
            h.run(2000, request)   # warm-up: the first requests load what the app and the host load lazily
            print("%s: %s host %s, worker pid %d, %s" % (
                h.name, lang, scripts[hosts.index(h)], h.worker,
                "the next request written into its FIFO" if h.ahead else
                "%d request(s) written ahead on the channel%s" % (h.depth, "" if h.fifo >= 0 else ", no FIFO offered")))
        block = 500
        for r in range(rounds):
            for h in hosts:
                h.ticks = cpu_ticks(h.worker)
                h.taken = 0
            for _ in range(requests // block):     # the hosts take turns, so they share the machine's mood
                for h in hosts:
                    h.run(block, request)
            n = requests // block * block
            for h in hosts:
                user, system = ((a - b) * 1e6 / hz / n for a, b in zip(cpu_ticks(h.worker), h.ticks))
                print("round %d %s: worker CPU %.1f us/request (user %.1f, system %.1f)%s" % (
                    r + 1, h.name, user + system, user, system,
                    ", %d of %d taken from the FIFO" % (h.taken, n) if h.ahead else ""))
        if os.environ.get("PROFILE"):
            print("the workers keep running; sending requests until Enter", flush=True)
            import threading
            stop = threading.Event()
            threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
            while not stop.is_set():
                for h in hosts:
                    h.run(500, request)
    finally:
        for h in hosts:
            h.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
