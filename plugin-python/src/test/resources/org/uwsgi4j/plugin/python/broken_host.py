# A deliberately broken worker host for KitCatchesBrokenHostsTest: the real Python host with one
# duty of docs/worker-protocol.md left out, named by the first argument:
#   ignores-gone   never looks for GONE during a response (an endless response never stops)
#   no-exited      reports no EXITED when a worker exits
#   no-tolerance   ignores UWSGI4J_WRITE_ERRORS_TOLERANCE (stops at the first chunk after GONE)
#   no-ahead       offers its ahead FIFO but never takes a request out of it
#   ahead-in-hand  also waits on its ahead FIFO while a request waits for its body
#   ahead-first    puts the frames it takes from the FIFO before those the channel had buffered
import sys

import uwsgi4j_worker as host

if sys.argv[1] == "ignores-gone":
    host.Core.client_gone = lambda self, poll: False
elif sys.argv[1] == "no-exited":
    frame = host.frame
    host.frame = lambda ftype, payload=b"": b"" if ftype == host.EXITED else frame(ftype, payload)
elif sys.argv[1] == "no-tolerance":
    host.WRITE_ERRORS_TOLERANCE = 0
elif sys.argv[1] == "no-ahead":
    host.Channel.take_ahead = lambda self: None
elif sys.argv[1] == "ahead-in-hand":
    import select
    expect_body = host.Core.expect_body

    def expect_body_looking(self):
        ch = self.ch
        if not ch.has_frame() and ch.ahead in select.select([ch.sock, ch.ahead], [], [])[0]:
            ch.take_ahead()
        return expect_body(self)
    host.Core.expect_body = expect_body_looking
elif sys.argv[1] == "ahead-first":
    take_ahead = host.Channel.take_ahead

    def take_ahead_first(self):
        kept = bytes(self.view[self.pos:self.end])
        self.pos = self.end = 0
        take_ahead(self)
        data = bytes(self.view[:self.end]) + kept
        self.buf[:len(data)] = data
        self.pos, self.end = 0, len(data)
    host.Channel.take_ahead = take_ahead_first
else:
    sys.exit("broken_host.py: unknown breakage %r" % sys.argv[1])
sys.exit(host.main())
