# A deliberately broken worker host for KitCatchesBrokenHostsTest: the real Python host with one
# duty of docs/worker-protocol.md left out, named by the first argument:
#   ignores-gone   never looks for GONE during a response (an endless response never stops)
#   no-exited      reports no EXITED when a worker exits
import sys

import uwsgi4j_worker as host

if sys.argv[1] == "ignores-gone":
    host.Core.client_gone = lambda self, poll: False
elif sys.argv[1] == "no-exited":
    frame = host.frame
    host.frame = lambda ftype, payload=b"": b"" if ftype == host.EXITED else frame(ftype, payload)
else:
    sys.exit("broken_host.py: unknown breakage %r" % sys.argv[1])
sys.exit(host.main())
