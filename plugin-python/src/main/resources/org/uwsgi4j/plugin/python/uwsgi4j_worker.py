"""uwsgi4j worker host for WSGI applications (docs/worker-protocol.md).

Started by the kernel with UWSGI4J_* variables in its environment:

  UWSGI4J_SOCKET, UWSGI4J_TOKEN     where to connect, the token for HELLO
  UWSGI4J_ROLE                      host (load once, fork on FORK) or worker (--lazy-apps)
  UWSGI4J_WORKER_ID                 role worker: its worker id
  UWSGI4J_THREADS, UWSGI4J_PROCESSES  cores per worker, number of workers
  UWSGI4J_WSGI_FILE | UWSGI4J_MODULE  the app: a file to exec, or pkg.mod[:callable]
  UWSGI4J_CALLABLE                  the callable's name (default: application)
  UWSGI4J_PYTHONPATH                os.pathsep-separated dirs prepended to sys.path
  UWSGI4J_MOUNTS                    --mount: JSON [[mountpoint, app], ...]; app is a .py/.wsgi
                                    file or pkg.mod[:callable]
  UWSGI4J_MANAGE_SCRIPT_NAME        1: split PATH_INFO at the longest mount point (uWSGI's
                                    --manage-script-name)
  UWSGI4J_PASTE                     --paste: a PasteDeploy URI (config:/path/app.ini) the app is
                                    loaded from; UWSGI4J_PASTE_LOGGER=1: the ini configures logging
  UWSGI4J_PY_TRACEBACKER            --py-tracebacker: each worker serves its threads' stacks on
                                    the Unix socket named this plus its worker id

Exit codes: 0 stopped, 22 the app failed to load (LOADFAIL sent), 1 anything else.
Standard library only; Python 3.9+.
"""

import fcntl
import io
import itertools
import os
import select
import signal
import socket
import stat
import struct
import sys
import termios
import threading
import time
import traceback
from itertools import chain
from time import monotonic as _monotonic

PROTOCOL_VERSION = "1"       # the sixth field of HELLO (docs/worker-protocol.md)
HELLO, READY, LOADFAIL, FORK, EXITED = 1, 2, 3, 4, 5
REQUEST, BODY, READ, GONE, SIGNAL = 10, 11, 12, 13, 14
START, DATA, END, ERROR, SENDFILE = 20, 21, 22, 23, 24
LOG, STOP = 30, 31
CALL, RESULT = 40, 41
BODY_INLINE = 1
MAX_PAYLOAD = 16 * 1024 * 1024
SMALL = 64 * 1024          # chunks up to this size are copied into the frame's write
GONE_CHECK = 0.02          # seconds between two looks at the channel for GONE during a response
AHEAD_READ = 65536         # the one read of a core's ahead FIFO takes up to this (the kernel writes <= 4096)
NOTHING_WAITS = bytes(4)   # FIONREAD's answer when the ahead FIFO is empty
# --write-errors-tolerance and --disable-write-exception (docs/worker-protocol.md, "The client goes away")
WRITE_ERRORS_TOLERANCE = int(os.environ.get("UWSGI4J_WRITE_ERRORS_TOLERANCE", "0") or 0)
WRITE_EXCEPTION = os.environ.get("UWSGI4J_DISABLE_WRITE_EXCEPTION", "") != "1"
EXIT_LOAD_FAILED = 22

HEADER = struct.Struct("<BBHI")
_pack = HEADER.pack
_ioctl = fcntl.ioctl
_FIONREAD = termios.FIONREAD             # on a FIFO or a stream socket: the bytes waiting
_readv = os.readv
END_FRAME = _pack(END, 0, 0, 0)
STDLIB = os.path.dirname(os.__file__) + os.sep   # frames there are not "where" a load failed
# PEP 3333: an application must not send these (the server owns the connection).
HOP_BY_HOP = frozenset(("connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
                        "trailers", "transfer-encoding", "upgrade"))
CORES = {}                         # thread ident -> the Core it serves (for the uwsgi module)
REQUESTS = itertools.count(1)      # this worker's requests, for uwsgi.request_id()
WORKER = {"id": 0}                 # this process's worker id (0 in the host), for uwsgi.worker_id()
SIGNAL_HANDLERS = {}               # signal number -> handler registered in this process (forks inherit)


class Loading:
    """The control channel while the application loads, for the calls it makes then (at import
    time there is no request's thread, hence no core channel): connected at the first such call
    (HELLO with role control), its CALLs answered there by the kernel. The host goes on with it
    as its control channel; a lazy worker closes it once loaded. A STOP that comes meanwhile is
    remembered for the host."""

    def __init__(self):
        self.lock = threading.Lock()
        self.env = None         # set while the application loads: (socket, token, worker id)
        self.ch = None
        self.stopped = False

    def channel(self):
        if self.ch is None:
            socket_path, token, worker_id = self.env
            self.ch = Channel(socket_path, token, "control", worker_id, 0)
        return self.ch

    def call(self, name, *args):
        with self.lock:
            if self.env is None:
                return None
            ch = self.channel()
            ch.send(frame(CALL, fields(name, *args)))
            while True:
                ftype, _, start, stop = ch.read()
                if ftype == RESULT:
                    return str(ch.view[start:stop], "latin-1").split("\0")[:-1]
                if ftype == STOP:
                    self.stopped = True
                else:
                    raise ChannelClosed("expected RESULT, got frame %d" % ftype)

    def done(self):
        """The application loaded (or failed to): no more calls here; the channel, if any, for the caller."""
        with self.lock:
            self.env = None
            ch, self.ch = self.ch, None
            return ch


LOADING = Loading()


class ChannelClosed(Exception):
    """The kernel closed the channel (or it broke): the core stops."""


def fields(*values):
    return ("\0".join(values) + "\0").encode("latin-1")


def frame(ftype, payload=b""):
    return _pack(ftype, 0, 0, len(payload)) + payload


def offer_ahead(socket_path, core_id):
    """docs/worker-protocol.md, "Requests written ahead": the FIFO ahead.<pid>.<core id> beside the
    socket (mode 0600), opened read-only and non-blocking, before the core's HELLO; -1 when it
    cannot be made or opened (the core then simply does not offer: no error, no retry). The kernel
    removes the name once it has opened it: only the descriptor counts afterwards."""
    path = os.path.join(os.path.dirname(socket_path), "ahead.%d.%d" % (os.getpid(), core_id))
    try:
        os.mkfifo(path, 0o600)
    except OSError:
        return -1
    fd = -1
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        os.fchmod(fd, 0o600)                   # 0600 whatever the umask (--umask) took away
        return fd
    except OSError:
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(path)                    # ours, and of no use unopened
        except OSError:
            pass
        return -1


class Channel:
    """A framed channel: buffered reads into one reused bytearray, writes with sendall. A core's
    channel also holds its ahead FIFO (`ahead`, -1 when it offers none): see take_ahead()."""

    def __init__(self, path, token, role, worker_id, core_id):
        self.sock = sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(path)
        self.buf = bytearray(SMALL + HEADER.size)
        self.view = memoryview(self.buf)
        self.pos = self.end = 0
        self.ahead = offer_ahead(path, core_id) if role == "core" else -1
        self.waiting = bytearray(4)            # FIONREAD's answer for the ahead FIFO
        self.later = None                      # frames from the FIFO behind a request buffered before them
        self.send(frame(HELLO, fields(token, role, str(worker_id), str(core_id), str(os.getpid()), PROTOCOL_VERSION)))

    def send(self, data):
        try:
            self.sock.sendall(data)
        except OSError as e:
            raise ChannelClosed(str(e))

    def read(self):
        """The next frame as (type, flags, start, stop): its payload is self.view[start:stop],
        valid until the next read. Raises ChannelClosed at EOF."""
        pos = self.pos
        if pos == self.end:
            pos = self.pos = self.end = 0
        if self.end - pos < 8:
            self._fill(8)
            pos = self.pos
        ftype, flags, _, n = HEADER.unpack_from(self.buf, pos)
        if n > MAX_PAYLOAD:
            raise ChannelClosed("frame of %d bytes" % n)
        stop = pos + 8 + n
        if stop > self.end:
            self._fill(8 + n)
            pos = self.pos
            stop = pos + 8 + n
        self.pos = stop
        return ftype, flags, pos + 8, stop

    def _fill(self, need):
        """Receives until `need` bytes from self.pos are buffered."""
        if self.pos + need > len(self.buf):
            size = max(need, len(self.buf))
            if size > len(self.buf):
                buf = bytearray(size)
            else:
                buf = self.buf
            n = self.end - self.pos
            buf[:n] = bytes(self.view[self.pos:self.end])   # may overlap: copy first
            self.buf, self.view, self.pos, self.end = buf, memoryview(buf), 0, n
        while self.end - self.pos < need:
            try:
                n = self.sock.recv_into(self.view[self.end:])
            except OSError as e:
                raise ChannelClosed(str(e))
            if not n:
                raise ChannelClosed("EOF")
            self.end += n

    def has_frame(self):
        if self.end - self.pos < 8:
            return False
        return self.end - self.pos >= 8 + HEADER.unpack_from(self.buf, self.pos)[3]

    def take_ahead(self):
        """Called once right after a request's END or ERROR was sent (docs/worker-protocol.md,
        "Requests written ahead"): the frames the kernel wrote ahead into the FIFO, if any, are
        read as if they had come on the channel, after every byte the kernel wrote on the channel
        before them: those already buffered (a stale GONE) and those still unread in the socket
        (a request the kernel took back out of the FIFO and sent on the channel before it wrote
        this one ahead). When those hold a request, the frames from the FIFO wait (`later`) until
        that request's END: the request in hand is always the only one buffered.
        Hot path: when nothing waits, one ioctl (FIONREAD) and no exception (a read that finds
        the FIFO empty costs a BlockingIOError, more than the system call itself); when something
        does, readv straight into the buffer and one FIONREAD of the socket."""
        pos, end = self.pos, self.end
        if pos == end:
            pos = end = 0
        later = self.later
        if later is not None:                      # the request before it has ended: its turn
            self.later = None
            n = len(later)
            if len(self.buf) - end < n:
                pos, end = self._compact(pos, end, n)
            self.view[end:end + n] = later
            end += n
        fd = self.ahead
        waiting = self.waiting
        _ioctl(fd, _FIONREAD, waiting, True)
        if waiting != NOTHING_WAITS:
            if len(self.buf) - end < AHEAD_READ:
                pos, end = self._compact(pos, end, AHEAD_READ)
            try:
                n = _readv(fd, (self.view[end:],))
            except BlockingIOError:
                n = 0                              # the kernel took it back meanwhile
            if n:
                _ioctl(self.sock.fileno(), _FIONREAD, waiting, True)
                if waiting == NOTHING_WAITS and not self._holds_request(pos, end):
                    end += n                       # in place already
                else:
                    ahead = bytes(self.view[end:end + n])
                    unread = int.from_bytes(waiting, sys.byteorder)
                    if unread:                     # unread on the channel: it goes first
                        if len(self.buf) - end < unread:
                            pos, end = self._compact(pos, end, unread)
                        stop = end + unread
                        while end < stop:
                            got = self.sock.recv_into(self.view[end:stop])
                            if not got:
                                raise ChannelClosed("EOF")
                            end += got
                    if self._holds_request(pos, end):
                        self.later = ahead
                    else:
                        if len(self.buf) - end < n:
                            pos, end = self._compact(pos, end, n)
                        self.view[end:end + n] = ahead
                        end += n
        self.pos, self.end = pos, end

    def _holds_request(self, pos, end):
        """Whether the buffered frames in [pos, end) include a REQUEST."""
        buf = self.buf
        while end - pos >= 8:
            if buf[pos] == REQUEST:
                return True
            pos += 8 + HEADER.unpack_from(buf, pos)[3]
        return False

    def _compact(self, pos, end, room):
        """Moves the buffered bytes [pos, end) to the front of a buffer with `room` bytes free
        after them; their new (pos, end)."""
        n = end - pos
        buf = self.buf if len(self.buf) >= n + room else bytearray(n + room)
        buf[:n] = bytes(self.view[pos:end])       # may overlap: copy first
        self.buf, self.view = buf, memoryview(buf)
        return 0, n

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
        if self.ahead >= 0:
            os.close(self.ahead)
            self.ahead = -1


class PulledBody(io.RawIOBase):
    """The request body pulled from the kernel: READ n, answered by one BODY of <= n bytes."""

    def __init__(self, core):
        self.core = core
        self.eof = False

    def readable(self):
        return True

    def readinto(self, b):
        if self.eof:
            return 0
        core = self.core
        wanted = min(len(b), SMALL)
        core.ch.send(frame(READ, fields(str(wanted))))
        start, stop = core.expect_body()
        if core.gone:
            raise OSError("error during read(%d) on wsgi.input" % wanted)
        n = stop - start
        if not n:
            self.eof = True
            return 0
        b[:n] = core.ch.view[start:stop]
        return n

    def readall(self):
        parts = []
        core = self.core
        read = frame(READ, fields(str(SMALL)))
        while not self.eof:
            core.ch.send(read)
            start, stop = core.expect_body()
            if core.gone:
                raise OSError("error during read(%d) on wsgi.input" % SMALL)
            if start == stop:
                self.eof = True
            else:
                parts.append(bytes(core.ch.view[start:stop]))
        return b"".join(parts)


class ErrorStream:
    """wsgi.errors: line-buffered LOG frames on the core's channel. Writes from other threads
    (the app's own) go to stderr, which the kernel logs too: only the core's thread writes to
    its channel."""

    def __init__(self, core):
        self.core = core
        self.pending = ""

    def write(self, s):
        if threading.get_ident() != self.core.ident:
            sys.stderr.write(s)
            return
        s = self.pending + s
        if "\n" in s:
            lines = s.split("\n")
            self.pending = lines.pop()
            self.core.ch.send(b"".join(frame(LOG, line.encode("utf-8", "replace")) for line in lines))
        else:
            self.pending = s

    def writelines(self, seq):
        for s in seq:
            self.write(s)

    def flush(self):
        if self.pending and threading.get_ident() == self.core.ident:
            line, self.pending = self.pending, ""
            self.core.ch.send(frame(LOG, line.encode("utf-8", "replace")))
        elif threading.get_ident() != self.core.ident:
            sys.stderr.flush()


class FileWrapper:
    """wsgi.file_wrapper: a regular file on disk is handed to the kernel (SENDFILE: path and the
    file's position, to the end), which sends it without copying it through this process; any
    other file-like is iterated in blocks of `blksize`. close() closes the file-like."""

    def __init__(self, filelike, blksize=8192):
        self.filelike = filelike
        self.blksize = blksize
        close = getattr(filelike, "close", None)
        if close is not None:
            self.close = close

    def __iter__(self):
        read, blksize = self.filelike.read, self.blksize
        while True:
            chunk = read(blksize)
            if not chunk:
                return
            yield chunk

    def sendfile(self):
        """(path, offset) of the wrapped file when the kernel can open it by name, else None:
        a binary regular file whose name (made absolute, ASCII) still is that file, and not a
        temporary file deleted on close (the kernel opens it after the worker has closed it)."""
        f = self.filelike
        try:
            name = f.name
            if (not isinstance(name, str) or isinstance(f, io.TextIOBase) or getattr(f, "delete", False)
                    or not name.isascii()):
                return None
            st = os.fstat(f.fileno())
            path = os.path.abspath(name)
            on_disk = os.stat(path)
            if not stat.S_ISREG(st.st_mode) or (on_disk.st_dev, on_disk.st_ino) != (st.st_dev, st.st_ino):
                return None
            return path, f.tell()
        except (AttributeError, OSError, ValueError):
            return None


def call_result(name, f):
    """The values of a RESULT's fields `f`; RuntimeError when the kernel answered error."""
    if f and f[0] == "ok":
        return f[1:]
    raise RuntimeError("%s: %s" % (name, " ".join(f[1:]) or "error"))


class Core:
    """One core of a worker: a channel and the thread that serves requests on it."""

    def __init__(self, app, ch, base, router=None):
        self.app = app
        self.router = router
        self.ch = ch
        self.ident = None
        self.busy = False
        self.stopping = False
        self.status = self.head = None
        self.sent = False
        self.gone = False          # the kernel said GONE for the request in hand
        self.write_errors = 0      # chunks and writes of the request in hand given after its GONE
        self.check_at = 0.0        # write(): when to look for GONE next (0: at its first call)
        poller = select.poll()     # not select(): no limit on the descriptor's number
        poller.register(ch.sock, select.POLLIN)
        self.readable = poller.poll
        self.request_id = 0
        self.errors = ErrorStream(self)
        self.base = dict(base, **{"wsgi.errors": self.errors})
        self.start_response = self._start_response
        self.write = self._write

    def serve(self):
        self.ident = threading.get_ident()
        CORES[self.ident] = self
        ch = self.ch
        try:
            while not self.stopping:
                ftype, flags, start, stop = ch.read()
                if ftype == REQUEST:
                    self.busy = True
                    self.handle(str(ch.view[start:stop], "latin-1").split("\0"), flags)
                    self.busy = False
                    if ch.ahead >= 0 and not self.stopping:   # handle() ended with END or ERROR
                        ch.take_ahead()
                elif ftype == SIGNAL:
                    self.busy = True
                    self.signal(int(str(ch.view[start:stop], "latin-1").split("\0")[0]))
                    self.busy = False
                elif ftype == STOP:
                    break
                elif ftype != GONE:      # a GONE that crossed our END on the wire is stale
                    sys.stderr.write("uwsgi4j worker: unexpected frame %d between requests\n" % ftype)
        except ChannelClosed:
            pass
        finally:
            ch.close()

    def signal(self, signum):
        """SIGNAL between requests: runs the handler this process holds for it, then END; ERROR
        with one line when there is none or it raised (its traceback on stderr)."""
        handler = SIGNAL_HANDLERS.get(signum)
        if handler is None:
            self.ch.send(frame(ERROR, fields("no handler for signal %d in worker %d" % (signum, WORKER["id"]))))
            return
        try:
            handler(signum)
        except ChannelClosed:
            raise
        except BaseException as e:
            sys.stderr.write(app_traceback(e))
            self.ch.send(frame(ERROR, fields(one_line(e))))
            return
        self.ch.send(END_FRAME)

    def expect_body(self):
        while True:
            ftype, _, start, stop = self.ch.read()
            if ftype == BODY:
                return start, stop
            if ftype == GONE:
                self.gone = True
            elif ftype == STOP:
                self.stopping = True
            else:
                raise ChannelClosed("expected BODY, got frame %d" % ftype)

    def call(self, name, *args):
        """A CALL to the kernel (docs/worker-protocol.md), from this core's thread: the values
        of its RESULT; RuntimeError when the kernel answers error."""
        self.ch.send(frame(CALL, fields(name, *args)))
        while True:
            ftype, _, start, stop = self.ch.read()
            if ftype == RESULT:
                return call_result(name, str(self.ch.view[start:stop], "latin-1").split("\0")[:-1])
            if ftype == GONE:
                self.gone = True
            elif ftype == STOP:
                self.stopping = True
            else:
                raise ChannelClosed("expected RESULT, got frame %d" % ftype)

    def handle(self, f, flags):
        self.gone = False
        self.write_errors = 0
        self.check_at = 0.0
        environ = dict(zip(f[0:-1:2], f[1::2]))
        environ.update(self.base)
        if flags & BODY_INLINE:
            start, stop = self.expect_body()
            if start == stop:
                body = b""
            else:
                parts = [bytes(self.ch.view[start:stop])]
                while True:
                    start, stop = self.expect_body()
                    if start == stop:
                        break
                    parts.append(bytes(self.ch.view[start:stop]))
                body = b"".join(parts)
            environ["wsgi.input"] = io.BytesIO(body)
        else:
            environ["wsgi.input"] = io.BufferedReader(PulledBody(self), SMALL)
        app = self.app if self.router is None else self.router.route(environ)
        scheme = environ.get("UWSGI_SCHEME")
        if scheme is None:
            scheme = "https" if environ.get("HTTPS") in ("on", "1") else "http"
        environ["wsgi.url_scheme"] = scheme
        self.status = None
        self.sent = False
        self.ended = False
        self.wrote = False      # the write() callable was used: its bytes are not counted below
        self.request_id = next(REQUESTS)
        result = None
        try:
            result = app(environ, self.start_response)
            if type(result) is FileWrapper and self.status is not None:
                where = result.sendfile()
                if where is not None:
                    head = b"" if self.sent else self.head
                    self.sent = True
                    self.ch.send(head + frame(SENDFILE, fields(where[0], str(where[1]), "-1")) + END_FRAME)
                    return
            if type(result) is list and len(result) == 1 and self.status is not None and not self.sent:
                chunk = result[0]
                n = len(chunk)
                if n and n <= SMALL:
                    self.ch.send(b"".join((self.head, _pack(DATA, 0, 0, n), chunk, END_FRAME)))
                    return
            send, monotonic = self._send, _monotonic
            check_at = 0.0      # the first chunk looks at the frames already here and starts the clock
            length = None       # the Content-Length, once the first chunk comes (-1: none)
            done = 0            # the body's bytes so far
            for chunk in result:
                if self.ended:                  # Content-Length was met and END sent
                    if chunk:                   # more than it said: dropped, and nothing more is asked for
                        break
                    continue
                if self.write_errors:           # the client is gone: this chunk is one more write error
                    self.write_errors += 1
                    if self.write_errors > WRITE_ERRORS_TOLERANCE:
                        break
                    continue
                if chunk:
                    if length is None:
                        length = self.content_length()
                    done += len(chunk)
                    if done == length and len(chunk) <= SMALL and not self.wrote:
                        # with END in the same write; the iterable still runs to its end (its code after the last yield)
                        send(chunk, END_FRAME)
                        self.ended = True
                        continue
                    send(chunk)
                if monotonic() >= check_at:     # no system call per chunk: one every GONE_CHECK
                    if self.client_gone(check_at != 0.0):
                        self.write_errors += 1
                        if self.write_errors > WRITE_ERRORS_TOLERANCE:
                            break
                    check_at = monotonic() + GONE_CHECK
            if self.ended:
                return
            if self.write_errors > WRITE_ERRORS_TOLERANCE:
                # the iterable is asked for nothing more; uWSGI's python plugin logs this line
                sys.stderr.write("OSError: write error\n")
                self.ch.send(END_FRAME)
                return
            if self.status is None:
                raise AssertionError("the application returned without calling start_response()")
            self.ch.send(END_FRAME if self.sent else self.head + END_FRAME)
        except ChannelClosed:
            raise
        except BaseException as e:
            self.fail(e)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                try:
                    close()
                except ChannelClosed:
                    raise
                except BaseException:
                    sys.stderr.write(traceback.format_exc())
            if self.errors.pending:
                self.errors.flush()

    def fail(self, e):
        """The app raised: its traceback to stderr as uWSGI logs it (from the app's frames, not
        this host's), ERROR to the kernel (a 500 if nothing was sent); only the traceback when
        the response had ended already (its Content-Length met: the client has it all)."""
        tb = e.__traceback__
        while tb is not None and tb.tb_next is not None and tb.tb_frame.f_code.co_filename == __file__:
            tb = tb.tb_next
        sys.stderr.write("".join(traceback.format_exception(type(e), e, tb)))
        if self.ended:
            return
        self.ch.send(frame(ERROR, fields(one_line(e))))

    def _start_response(self, status, headers, exc_info=None):
        if exc_info:
            try:
                if self.sent:
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        elif self.status is not None:
            raise AssertionError("start_response() called a second time without exc_info")
        if type(status) is not str:
            raise TypeError("status must be a str, not %s" % type(status).__name__)
        flat = list(chain.from_iterable(headers))
        if len(flat) != 2 * len(headers):
            raise ValueError("each header must be a (name, value) pair")
        try:
            text = "\0".join(chain((status,), flat))
        except TypeError:
            raise TypeError("header names and values must be str: %r" % (headers,)) from None
        if ("\r" in text or "\n" in text or text.count("\0") != len(flat)
                or not HOP_BY_HOP.isdisjoint(map(str.lower, flat[0::2]))
                or len(status) < 4 or status[3] != " " or not status[:3].isdigit()):
            raise ValueError(bad_head(status, flat))
        payload = (text + "\0").encode("latin-1")
        self.head = _pack(START, 0, 0, len(payload)) + payload
        self.status = status
        self.headers = flat
        return self.write

    def content_length(self):
        """The response's Content-Length as a number; -1 without one (or one that is not a number)."""
        if self.status is None:
            return -1
        flat = self.headers
        for i in range(0, len(flat), 2):
            if len(flat[i]) == 14 and flat[i].lower() == "content-length":
                value = flat[i + 1].strip()
                return int(value) if value.isdigit() else -1
        return -1

    def client_gone(self, poll):
        """True once the kernel has said GONE for the request in hand (docs/worker-protocol.md):
        reads the frames already received and, with `poll`, those the socket holds (no wait).
        Callers look every GONE_CHECK seconds of a response, so that streaming a chunk costs no
        system call; their first look (at the first chunk) does not poll."""
        ch = self.ch
        ready = ch.has_frame() or (poll and self.readable(0))
        while ready:
            ftype = ch.read()[0]     # whole: the kernel writes each frame in one piece
            if ftype == GONE:
                self.gone = True
            elif ftype == STOP:
                self.stopping = True
            else:
                raise ChannelClosed("unexpected frame %d during a response" % ftype)
            ready = ch.has_frame()
        return self.gone

    def _write(self, chunk):
        """The write() callable: sends a chunk at once; once the client is gone the chunk is
        dropped, and past --write-errors-tolerance such writes it raises OSError("write error"),
        as uWSGI's does (never with --disable-write-exception)."""
        if not self.gone:
            now = _monotonic()
            if now >= self.check_at:
                self.client_gone(self.check_at != 0.0)
                self.check_at = now + GONE_CHECK
        if self.gone:
            self.write_errors += 1
            if self.write_errors > WRITE_ERRORS_TOLERANCE and WRITE_EXCEPTION:
                raise OSError("write error")
            return
        self.wrote = True
        self._send(chunk)

    def _send(self, chunk, end=b""):
        """Sends a body chunk at once (START first, in the same write, if not sent yet), and `end`
        (END_FRAME: the chunk completes the response's Content-Length, so the kernel reads the whole
        response at once instead of waking again for an END written after the iterable ended) in the
        same write when the chunk is small."""
        if self.status is None:
            raise AssertionError("write() before start_response()")
        n = len(chunk)
        if not self.sent:
            if type(chunk) is str:
                raise TypeError("the response body must be bytes, not str")
            self.sent = True
            if n <= SMALL:
                self.ch.send(b"".join((self.head, _pack(DATA, 0, 0, n), chunk, end)))
                return
            self.ch.send(self.head)
        if n <= SMALL:
            self.ch.send(_pack(DATA, 0, 0, n) + chunk + end)
            return
        view = memoryview(chunk).cast("B")
        for off in range(0, n, MAX_PAYLOAD):
            piece = view[off:off + MAX_PAYLOAD]
            self.ch.send(_pack(DATA, 0, 0, len(piece)))
            self.ch.send(piece)


def bad_head(status, flat):
    """Why start_response() refused a status or headers (PEP 3333)."""
    if len(status) < 4 or status[3] != " " or not status[:3].isdigit():
        return "invalid status %r: expected three digits, a space and a reason" % status
    for name, value in zip(flat[0::2], flat[1::2]):
        if name.lower() in HOP_BY_HOP:
            return "hop-by-hop header %r is not allowed (PEP 3333)" % name
        if any(c in name or c in value for c in "\r\n\0") or any(c in status for c in "\r\n\0"):
            return "CR, LF or NUL in a status or header: %r: %r" % (name, value)
    return "CR, LF or NUL in the status %r" % status


def one_line(e):
    """`Type: message (file line N)` for an exception being handled."""
    text = " ".join(str(e).split())
    where = ""
    if isinstance(e, SyntaxError) and e.filename:
        where = " (%s line %s)" % (e.filename, e.lineno)
        text = " ".join(str(e.msg).split())
    else:
        for fs in reversed(traceback.extract_tb(e.__traceback__)):
            name = fs.filename
            if name != __file__ and not name.startswith(("<frozen", STDLIB)):
                where = " (%s line %s)" % (fs.filename, fs.lineno)
                break
    return "%s: %s%s" % (type(e).__name__, text, where) if text else type(e).__name__ + where


def app_traceback(e):
    """The traceback of an error while loading the app as uWSGI prints it: from the app's first
    frame on, without this host's and importlib's frames (a SyntaxError is only its file, line,
    caret and message)."""
    tb = e.__traceback__
    while tb is not None and (tb.tb_frame.f_code.co_filename == __file__
                              or tb.tb_frame.f_code.co_filename.startswith("<frozen")):
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(e), e, tb))


class LoadError(Exception):
    pass


class Router:
    """Picks the app of a request when there are --mount apps, as uWSGI does: with
    --manage-script-name the longest mount point that is PATH_INFO or a "/"-bounded prefix of it
    becomes SCRIPT_NAME and the rest PATH_INFO; then the app mounted exactly at SCRIPT_NAME
    serves, else the default app."""

    def __init__(self, default, mounts, manage):
        self.default = default
        self.apps = dict(mounts)
        self.points = sorted(self.apps, key=len, reverse=True) if manage else ()

    def route(self, environ):
        if self.points:
            path = environ.get("PATH_INFO", "")
            if len(path) > 1:
                for point in self.points:
                    n = len(point)
                    if path.startswith(point) and (len(path) == n or path[n] == "/"):
                        environ["SCRIPT_NAME"] = point
                        environ["PATH_INFO"] = path[n:]
                        return self.apps[point]
        return self.apps.get(environ.get("SCRIPT_NAME", ""), self.default)


def load_app(env):
    """The default WSGI callable and, with --mount, a Router over all of them:
    (app, router or None). A mount that fails to load fails the whole load (uWSGI exits)."""
    for p in reversed([p for p in env.get("UWSGI4J_PYTHONPATH", "").split(os.pathsep) if p]):
        sys.path.insert(0, p)
    if "UWSGI4J_PYARGV" in env:                      # --pyargv: the app's sys.argv
        sys.argv = ["uwsgi"] + env["UWSGI4J_PYARGV"].split()
    for module in filter(None, env.get("UWSGI4J_IMPORTS", "").split("\n")):
        __import__(module)                           # --import / --shared-import, before the app
    name = env.get("UWSGI4J_CALLABLE") or "application"
    default = None
    if env.get("UWSGI4J_WSGI_FILE") or env.get("UWSGI4J_MODULE"):
        default = load_one(env.get("UWSGI4J_WSGI_FILE"), env.get("UWSGI4J_MODULE"), name)
    elif env.get("UWSGI4J_PASTE"):
        default = load_paste(env["UWSGI4J_PASTE"], env.get("UWSGI4J_PASTE_LOGGER") == "1")
    elif env.get("UWSGI4J_EVAL"):                    # --eval: the app is defined by this code
        namespace = {"__name__": "uwsgi_eval"}
        exec(compile(env["UWSGI4J_EVAL"], "<--eval>", "exec"), namespace)
        default = namespace.get(name)
        if not callable(default):
            raise LoadError('unable to find "%s" callable in the --eval code' % name)
    mounts = []
    first = 0 if default is None else 1     # uWSGI's app number of the first mount
    if env.get("UWSGI4J_MOUNTS"):
        import json
        import time
        for point, target in json.loads(env["UWSGI4J_MOUNTS"]):
            point = point.rstrip("/")
            sys.stderr.write("mounting %s on %s\n" % (target, point or "/"))
            began = time.time()
            if target.endswith((".py", ".wsgi")):
                app = load_one(os.path.abspath(target), None, name)
            else:
                app = load_one(None, target, name)
            if default is None:
                default = app
            mounts.append((point, app))
            sys.stderr.write("WSGI app %d (mountpoint='%s') ready in %d seconds (pid: %d)\n"
                             % (first + len(mounts) - 1, point, time.time() - began, os.getpid()))
    if default is None:
        raise LoadError("no application: set UWSGI4J_WSGI_FILE, UWSGI4J_MODULE, UWSGI4J_PASTE or UWSGI4J_MOUNTS")
    if not mounts:
        return default, None
    return default, Router(default, mounts, env.get("UWSGI4J_MANAGE_SCRIPT_NAME") == "1")


def load_one(path, spec, name):
    """One WSGI callable: from the file `path`, else the module `spec` (pkg.mod[:callable])."""
    if path:
        import importlib.machinery
        import importlib.util
        modname = "uwsgi_file_" + "".join(c if c.isalnum() else "_" for c in path)
        loader = importlib.machinery.SourceFileLoader(modname, path)
        spec = importlib.util.spec_from_loader(modname, loader, origin=path)
        module = importlib.util.module_from_spec(spec)
        module.__file__ = path
        sys.modules[modname] = module
        loader.exec_module(module)
        where = "file " + path
    else:
        import importlib
        modname, _, attr = spec.partition(":")
        module = importlib.import_module(modname)
        name = attr or name
        where = "module " + modname
    app = getattr(module, name, None)
    if app is None:
        raise LoadError('unable to find "%s" callable in %s' % (name, where))
    if not callable(app):
        raise LoadError('"%s" in %s is not callable' % (name, where))
    return app


def load_paste(uri, with_logging):
    """--paste URI: the app PasteDeploy's loadapp() builds from URI (`config:/srv/app.ini`,
    `config:app.ini#name`, `egg:Dist#name`); a relative config: path is taken from the working
    directory (--chdir). With --paste-logger the config file's logging sections configure
    `logging` first (a failure there is logged, as uWSGI does, and the app still loads).
    Raises LoadError with one line saying why (the kernel's line names the URI); the traceback
    is logged only when the app's own code (its factory) raised."""
    sys.stderr.write("Loading paste environment: %s\n" % uri)
    scheme, colon, rest = uri.partition(":")
    if not colon or not scheme:
        raise LoadError("%s is not a PasteDeploy URI (expected config:/path/app.ini)" % uri)
    try:
        from paste.deploy import loadapp
    except ImportError as e:
        raise LoadError("--paste needs PasteDeploy (Debian: python3-pastedeploy): %s" % e) from None
    if scheme == "config":
        path = os.path.abspath(rest.partition("#")[0])
        if not os.path.isfile(path):
            raise LoadError("no such paste config file: %s" % path)
        if with_logging:
            import logging.config
            try:
                logging.config.fileConfig(path)
            except Exception as e:
                why = "no [%s] section" % e.args[0] if isinstance(e, KeyError) and e.args else one_line(e)
                sys.stderr.write("--paste-logger: cannot configure logging from %s: %s\n" % (path, why))
    try:
        return loadapp(uri, relative_to=os.getcwd())
    except Exception as e:
        reason, in_app = paste_failure(e)
        if in_app:
            sys.stderr.write(app_traceback(e))
        raise LoadError(reason) from None


def paste_failure(e):
    """(`Type: message (file line N)`, True) for a loadapp() that failed in the app's own code,
    N its innermost line there; (`Type: message`, False) when PasteDeploy refused the config."""
    if isinstance(e, SyntaxError):
        return one_line(e), True
    import paste.deploy
    skip = (os.path.dirname(paste.deploy.__file__) + os.sep, STDLIB, "<frozen", __file__)
    text = " ".join(str(e).split())
    text = "%s: %s" % (type(e).__name__, text) if text else type(e).__name__
    for fs in reversed(traceback.extract_tb(e.__traceback__)):
        if not fs.filename.startswith(skip):
            return "%s (%s line %s)" % (text, fs.filename, fs.lineno), True
    return text, False


def load_or_fail(env, role, worker_id):
    """Loads the application; calls it makes meanwhile go on the control channel (Loading).
    Returns (app, router) and that channel, if one was connected."""
    LOADING.env = (env["UWSGI4J_SOCKET"], env["UWSGI4J_TOKEN"], worker_id)
    try:
        loaded = load_app(env)
        return loaded, LOADING.done()
    except BaseException as e:
        ch = LOADING.done()
        if not isinstance(e, LoadError):             # a LoadError's one line says it all
            sys.stderr.write(app_traceback(e))
        reason = str(e) if isinstance(e, LoadError) else one_line(e)
        try:
            if ch is None:
                ch = Channel(env["UWSGI4J_SOCKET"], env["UWSGI4J_TOKEN"], "control", worker_id, 0)
            ch.send(frame(LOADFAIL, fields(reason)))
            ch.close()
        except (OSError, ChannelClosed) as ce:
            sys.stderr.write("uwsgi4j worker: cannot report the load failure: %s\n" % ce)
        sys.stderr.flush()
        os._exit(EXIT_LOAD_FAILED)


def serve_worker(env, loaded, worker_id):
    """Opens the worker's core channels, serves until they stop, returns the exit code."""
    threads = int(env.get("UWSGI4J_THREADS") or 1)
    processes = int(env.get("UWSGI4J_PROCESSES") or 1)
    base = {
        "wsgi.version": (1, 0),
        "wsgi.multithread": threads > 1,
        "wsgi.multiprocess": processes > 1,
        "wsgi.run_once": False,
        "wsgi.input_terminated": True,
    }
    if env.get("UWSGI4J_FILE_WRAPPER", "1") != "0":
        base["wsgi.file_wrapper"] = FileWrapper
    WORKER["id"] = worker_id
    set_procname("uWSGI worker %d" % worker_id)
    app, router = loaded
    post_fork_hook = getattr(sys.modules["uwsgi"], "post_fork_hook", None)
    if callable(post_fork_hook):             # uwsgi.post_fork_hook (uwsgidecorators' @postfork)
        try:
            post_fork_hook()
        except Exception:
            sys.stderr.write(traceback.format_exc())
    start_tracebacker(env, worker_id)   # listening before the cores' HELLOs: once "spawned", it answers
    cores = [Core(app, Channel(env["UWSGI4J_SOCKET"], env["UWSGI4J_TOKEN"], "core", worker_id, i), base, router)
             for i in range(threads)]

    def graceful(signum, _frame):
        # Finish the requests in hand; idle cores see EOF on their channel at once.
        for core in cores:
            core.stopping = True
            if not core.busy:
                try:
                    core.ch.sock.shutdown(socket.SHUT_RD)
                except OSError:
                    pass

    signal.signal(signal.SIGTERM, graceful)
    signal.signal(signal.SIGINT, graceful)
    start_autoreloader(env, worker_id)
    workers = [threading.Thread(target=c.serve, name="uWSGIWorker%dCore%d" % (worker_id, i))
               for i, c in enumerate(cores)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return 0


def start_autoreloader(env, worker_id):
    """--py-autoreload N (development only): worker 1 looks every N seconds at the files of the
    loaded modules (and the --wsgi-file and mounted files); when one changed it logs uWSGI's line
    and asks the master for a graceful reload of every worker."""
    interval = int(env.get("UWSGI4J_PY_AUTORELOAD") or 0)
    if interval <= 0 or worker_id != 1:
        return
    paths = [getattr(m, "__file__", None) for m in list(sys.modules.values())]
    paths.append(env.get("UWSGI4J_WSGI_FILE"))
    mtimes = {}
    for path in paths:
        if path and path.endswith(".py"):
            try:
                mtimes[path] = os.stat(path).st_mtime
            except OSError:
                pass

    def watch():
        while True:
            time.sleep(interval)
            for path, seen in mtimes.items():
                try:
                    changed = os.stat(path).st_mtime != seen
                except OSError:
                    continue
                if changed:
                    sys.stderr.write("[uwsgi-python-reloader] module/file %s has been modified\n" % path)
                    sys.modules["uwsgi"].reload()
                    return

    threading.Thread(target=watch, name="py-autoreload", daemon=True).start()


TRACEBACKER_HEADER = "*** uWSGI Python tracebacker output ***\n\n"


def start_tracebacker(env, worker_id):
    """--py-tracebacker PATH: this worker listens on the Unix socket PATH<worker id> (a stale
    socket file left by an earlier worker is replaced) and answers each connection with the
    stacks of its threads (thread_stacks()), then closes it. A thread blocked in accept():
    nothing is added to the request path. A socket that cannot be bound is one line in the log
    and the worker serves on, as in uWSGI."""
    base = env.get("UWSGI4J_PY_TRACEBACKER")
    if not base:
        return
    import errno
    path = base + str(worker_id)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        try:
            if not stat.S_ISSOCK(os.lstat(path).st_mode):
                raise FileExistsError(errno.EEXIST, "it exists and is not a socket")
            os.unlink(path)
        except FileNotFoundError:
            pass
        sock.bind(path)
        sock.listen(100)
    except OSError as e:
        sock.close()
        sys.stderr.write("python tracebacker for worker %d: cannot listen on %s: %s\n"
                         % (worker_id, path, e.strerror or e))
        return
    sys.stderr.write("python tracebacker for worker %d available on %s\n" % (worker_id, path))

    def serve():
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                time.sleep(0.1)                      # out of descriptors: try again later
                continue
            try:
                conn.sendall(thread_stacks().encode("ascii", "backslashreplace"))
            except OSError:
                pass                                 # the client went away
            finally:
                conn.close()

    threading.Thread(target=serve, name="uWSGITraceBacker", daemon=True).start()


def thread_stacks():
    """uWSGI's tracebacker text: a header line and a blank line, then for each thread running
    application code one line per frame, outermost first (`thread_id = NAME filename = F
    lineno = N function = FN line = SOURCE`), and a blank line. Frames of this host are left
    out, as uWSGI's C frames are invisible: a core thread shows the app's frames of the request
    in hand (none when idle), the app's own threads their whole stacks, and the host's threads
    (the main one, this one, the reloader) nothing."""
    names = {t.ident: t.name for t in threading.enumerate()}
    out = [TRACEBACKER_HEADER]
    for ident, top in sys._current_frames().items():
        stack = traceback.extract_stack(top)
        hosted = [i for i, fs in enumerate(stack) if fs.filename == __file__]
        if hosted:
            if ident not in CORES:
                continue
            stack = [fs for fs in stack[hosted[0]:] if fs.filename != __file__]
        if not stack:
            continue
        name = names.get(ident, "<UnnamedPythonThread>")
        for fs in stack:
            out.append("thread_id = %s filename = %s lineno = %s function = %s line = %s\n"
                       % (name, fs.filename, fs.lineno, fs.name, fs.line or ""))
        out.append("\n")
    return "".join(out)


def run_host(env, loaded, ch=None):
    """Preforking: one control channel (`ch`, when the app already connected it to call while it
    loaded); FORK forks a worker; children's exits become EXITED."""
    if ch is None:
        ch = Channel(env["UWSGI4J_SOCKET"], env["UWSGI4J_TOKEN"], "control", 0, 0)
    ch.send(frame(READY))
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)
    children = {}
    state = {"stopping": LOADING.stopped, "term": False}

    def on_term(signum, _frame):
        state["term"] = True

    signal.signal(signal.SIGCHLD, lambda s, f: None)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)

    def reap():
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if not pid:
                return
            wid = children.pop(pid, 0)
            code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 0
            sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
            ch.send(frame(EXITED, fields(str(pid), str(wid), str(code), str(sig))))

    try:
        while True:
            if state["term"] and not state["stopping"]:
                state["stopping"] = True
                for pid in children:
                    os.kill(pid, signal.SIGTERM)
            reap()
            if state["stopping"] and not children:
                return 0
            if not ch.has_frame():
                ready = select.select([ch.sock, wake_r], [], [])[0]
                if wake_r in ready:
                    try:
                        os.read(wake_r, 512)
                    except BlockingIOError:
                        pass
                if ch.sock not in ready:
                    continue
            ftype, _, start, stop = ch.read()
            if ftype == FORK:
                worker_id = int(str(ch.view[start:stop], "latin-1").split("\0")[0])
                if state["stopping"]:
                    continue
                pid = os.fork()
                if pid == 0:
                    code = 1
                    try:
                        signal.set_wakeup_fd(-1)
                        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                        # the host's SIGTERM/SIGINT handlers only set its flags: until the worker
                        # installs its own, a stop signal must end the child, not be swallowed
                        signal.signal(signal.SIGTERM, signal.SIG_DFL)
                        signal.signal(signal.SIGINT, signal.SIG_DFL)
                        os.close(wake_r)
                        os.close(wake_w)
                        ch.close()
                        code = serve_worker(env, loaded, worker_id)
                    except BaseException:
                        sys.stderr.write(traceback.format_exc())
                    finally:
                        sys.stdout.flush()
                        sys.stderr.flush()
                        os._exit(code)
                children[pid] = worker_id
            elif ftype == STOP:
                state["stopping"] = True
            else:
                sys.stderr.write("uwsgi4j host: unexpected frame %d on the control channel\n" % ftype)
    except ChannelClosed:
        # The kernel is gone: stop the workers too (they see their channels close as well).
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
        return 0


def uwsgi_module(env):
    """The `uwsgi` module apps import (uWSGI's API, as far as it goes here). Values come from the
    kernel's UWSGI4J_* variables; actions are CALLs on the current core's channel (on the
    control channel while the app loads), so cache, rpc, spooler and signals can be added as
    `_call("name", ...)` functions; kernel_call(name, *args) reaches any call by name."""
    import json
    import types
    m = types.ModuleType("uwsgi", "uWSGI's API for applications running on uwsgi4j")
    opt = {}
    for name, value in json.loads(env.get("UWSGI4J_OPTIONS") or "[]"):
        value = True if value == "true" else value.encode("utf-8", "surrogateescape")   # a flag: True
        if name not in opt:
            opt[name] = value
        elif type(opt[name]) is list:
            opt[name].append(value)
        else:
            opt[name] = [opt[name], value]
    version = env.get("UWSGI4J_VERSION") or "0.0.0"
    parts = (version.split(".") + ["0", "0", "0"])[:3]
    m.opt = opt
    m.version = (version + "-uwsgi4j").encode("ascii")
    m.version_info = tuple(int(p) if p.isdigit() else 0 for p in parts) + (0, "uwsgi4j")
    m.numproc = int(env.get("UWSGI4J_PROCESSES") or 1)
    m.started_on = int(env.get("UWSGI4J_STARTED_ON") or 0)
    master_pid = int(env.get("UWSGI4J_MASTER_PID") or 0)

    def current_core():
        return CORES.get(threading.get_ident())

    def _call(name, *args):
        core = current_core()
        if core is not None:
            return core.call(name, *args)
        result = LOADING.call(name, *args)
        if result is None:
            raise RuntimeError("uwsgi.%s() can be called only from a request's thread or while the app loads" % name)
        return call_result(name, result)

    def kernel_call(name, *args):
        """Calls the kernel's call `name` (a WorkerCall service, docs/plugins/python.md) with
        string (or latin-1 bytes) arguments: the list of its values; RuntimeError when the
        kernel answers error (no such call, or the call failed)."""
        def text(v):
            return v.decode("latin-1") if isinstance(v, (bytes, bytearray)) else str(v)
        return _call(text(name), *[text(a) for a in args])

    def log(message):
        core = current_core()
        if core is None:
            sys.stderr.write("%s\n" % message)
        else:
            core.ch.send(frame(LOG, str(message).encode("utf-8", "replace")))
        return True

    def reload():
        if current_core() is None and master_pid:
            os.kill(master_pid, signal.SIGHUP)    # the kernel reloads on SIGHUP as well
        else:
            _call("reload")
        return True

    def request_id():
        core = current_core()
        return core.request_id if core is not None else 0

    def number(signum):
        signum = int(signum)
        if not 0 <= signum <= 255:
            raise OverflowError("unsigned byte integer is greater than maximum" if signum > 255
                                else "unsigned byte integer is less than minimum")
        return signum

    def register_signal(signum, who, handler):
        """uWSGI's uwsgi.register_signal: the handler stays in this process (a worker forked
        later inherits it, as in uWSGI); the kernel learns the number and the target."""
        signum = number(signum)
        if not callable(handler):
            raise TypeError("the signal handler must be callable")
        who = who.decode("latin-1") if isinstance(who, (bytes, bytearray)) else str(who)
        try:
            _call("register_signal", str(signum), who)
        except RuntimeError as e:
            raise ValueError("unable to register signal: %s" % e) from None
        SIGNAL_HANDLERS[signum] = handler

    def raise_signal(signum, remote=None):
        if remote is not None:
            raise ValueError("uwsgi4j cannot send signals to remote nodes")
        _call("signal", str(number(signum)))

    def signal_registered(signum):
        return True if number(signum) in SIGNAL_HANDLERS else None

    def alarm(name, message):
        """uWSGI's uwsgi.alarm(name, message): raises that alarm (docs/plugins/alarm.md); bytes
        travel as they are, a str as UTF-8. Without the alarm plugin there is no alarm to raise,
        and nothing happens, as in uWSGI without alarms."""
        def raw(v):
            return v.decode("latin-1") if isinstance(v, (bytes, bytearray)) else str(v).encode("utf-8", "replace").decode("latin-1")
        try:
            _call("alarm", raw(name), raw(message))
        except RuntimeError as e:
            if "no such call: alarm" not in str(e):
                raise
        return None

    def adder(call, what):
        def add(signum, *args):
            try:
                _call(call, str(number(signum)), *[str(a) for a in args])
            except RuntimeError as e:
                raise ValueError("unable to add %s: %s" % (what, e)) from None
        return add

    add_timer, add_file_monitor = adder("add_timer", "timer"), adder("add_file_monitor", "file monitor")
    m.add_timer = lambda signum, secs: add_timer(signum, int(secs))
    m.add_rb_timer = lambda signum, secs, iterations=0: adder("add_rb_timer", "rb_timer")(signum, int(secs), int(iterations))
    m.add_cron = lambda signum, minute, hour, day, month, week: adder("add_cron", "cron")(
        signum, int(minute), int(hour), int(day), int(month), int(week))
    m.add_file_monitor = lambda signum, filename: add_file_monitor(
        signum, filename.decode() if isinstance(filename, bytes) else str(filename))
    m.register_signal = register_signal
    m.alarm = alarm
    m.signal = raise_signal
    m.signal_registered = signal_registered
    m.post_fork_hook = None
    m.masterpid = lambda: master_pid
    m.worker_id = lambda: WORKER["id"]
    m.request_id = request_id
    m.log = log
    m.reload = reload
    m._call = _call
    m.kernel_call = kernel_call
    return m


def drop_privileges(env):
    """--gid/--uid (UWSGI4J_GID, UWSGI4J_UID: names or numbers): become that group and user
    before the application loads, as uWSGI's master does (setgid, initgroups with both, else
    setgroups([]), setuid); forked workers inherit it. An id the process has already (a host
    started by a master that dropped its own privileges) is left alone."""
    import grp
    import pwd
    uid, gid = env.get("UWSGI4J_UID"), env.get("UWSGI4J_GID")
    uid = None if not uid else int(uid) if uid.isdigit() else pwd.getpwnam(uid).pw_uid
    gid = None if not gid else int(gid) if gid.isdigit() else grp.getgrnam(gid).gr_gid
    new_gid = gid is not None and os.getresgid() != (gid, gid, gid)
    new_uid = uid is not None and os.getresuid() != (uid, uid, uid)
    if new_gid:
        os.setgid(gid)
    if new_gid and uid is not None:
        try:
            name = pwd.getpwuid(uid).pw_name
        except KeyError:
            name = str(uid)
        os.initgroups(name, gid)
    elif new_gid or new_uid:
        os.setgroups([])
    if new_uid:
        os.setuid(uid)


class WholeLines(io.RawIOBase):
    """The host's and its forked workers' stdout or stderr: they share one pipe to the kernel,
    and a write longer than PIPE_BUF (4 KiB) can interleave with another process's, so each run
    of complete lines is written with a POSIX lock held on a file of the runtime directory
    (lockf locks are per process: forked workers exclude each other). A partial line waits for
    its newline, or a flush."""

    def __init__(self, fd, lock_fd):
        self.fd = fd
        self.lock_fd = lock_fd
        self.pending = bytearray()
        self.mutex = threading.Lock()

    def writable(self):
        return True

    def fileno(self):
        return self.fd

    def write(self, b):
        with self.mutex:
            self.pending += b
            end = self.pending.rfind(b"\n")
            if end >= 0:
                self._out(end + 1)
        return len(b)

    def flush(self):
        with self.mutex:
            if self.pending:
                self._out(len(self.pending))

    def _out(self, n):
        view = memoryview(bytes(self.pending[:n]))
        del self.pending[:n]
        if self.lock_fd is not None:
            fcntl.lockf(self.lock_fd, fcntl.LOCK_EX)
        try:
            while view:
                view = view[os.write(self.fd, view):]
        finally:
            if self.lock_fd is not None:
                fcntl.lockf(self.lock_fd, fcntl.LOCK_UN)


def whole_line_streams(env):
    """sys.stdout and sys.stderr as line-buffered WholeLines (the kernel logs them line by line)."""
    try:
        lock_fd = os.open(os.path.join(os.path.dirname(env["UWSGI4J_SOCKET"]), "stdio.lock"),
                          os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except (KeyError, OSError):
        lock_fd = None
    for name, fd in (("stdout", 1), ("stderr", 2)):
        old = getattr(sys, name)
        try:
            setattr(sys, name, io.TextIOWrapper(WholeLines(fd, lock_fd), encoding=old.encoding or "utf-8",
                                                errors="backslashreplace", line_buffering=True, write_through=True))
        except (AttributeError, ValueError, OSError):
            old.reconfigure(line_buffering=True)


def set_procname(default):
    """--auto-procname and friends (docs/master.md, "Process names"): the name `ps` shows,
    written over this process's own argv area as uWSGI writes its own (the name, a NUL, spaces
    to the area's end; cut to fit). CPython keeps copies of its argv, never the area itself."""
    env = os.environ
    if env.get("UWSGI4J_AUTO_PROCNAME") != "1":
        return
    title = (env.get("UWSGI4J_PROCNAME_PREFIX", "") + (env.get("UWSGI4J_PROCNAME") or default)
             + env.get("UWSGI4J_PROCNAME_APPEND", "")).encode("utf-8", "replace")
    try:
        import ctypes
        with open("/proc/self/stat", "rb") as f:
            stat = f.read()
        fields = stat[stat.rindex(b")") + 2:].split()
        start, end = int(fields[45]), int(fields[46])   # arg_start, arg_end: fields 48 and 49
        area = end - start
        if area < 2:
            return
        title = title[:area - 1]
        ctypes.memmove(start, title + b"\0" + b" " * (area - len(title) - 1), area)
    except (OSError, ValueError, IndexError, ImportError) as e:
        sys.stderr.write("uwsgi4j worker: cannot set the process name: %s\n" % e)


def main():
    env = os.environ
    whole_line_streams(env)
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or ".") == here and here != os.getcwd():
        sys.path[0] = ""
    elif "" not in sys.path:
        sys.path.insert(0, "")
    role = env.get("UWSGI4J_ROLE", "host")
    drop_privileges(env)
    sys.modules["uwsgi"] = uwsgi_module(env)
    if role == "host":
        set_procname("uWSGI python host")
        loaded, control = load_or_fail(env, role, 0)
        return run_host(env, loaded, control)
    if role == "worker":
        worker_id = int(env.get("UWSGI4J_WORKER_ID") or 1)
        WORKER["id"] = worker_id
        loaded, control = load_or_fail(env, role, worker_id)
        if control is not None:
            control.close()                          # a lazy worker's calls while loading are over
        return serve_worker(env, loaded, worker_id)
    sys.stderr.write("uwsgi4j worker: unknown UWSGI4J_ROLE %r\n" % role)
    return 1


if __name__ == "__main__":
    sys.exit(main())
