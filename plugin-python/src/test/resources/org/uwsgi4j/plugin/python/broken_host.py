# A deliberately broken worker host for KitCatchesBrokenHostsTest: the real Python host with one
# duty of docs/worker-protocol.md left out, named by the first argument:
#   ignores-gone   never looks for GONE during a response (an endless response never stops)
#   no-exited      reports no EXITED when a worker exits
#   no-tolerance   ignores UWSGI4J_WRITE_ERRORS_TOLERANCE (stops at the first chunk after GONE)
import sys

import uwsgi4j_worker as host

if sys.argv[1] == "ignores-gone":
    host.Core.client_gone = lambda self, poll: False
elif sys.argv[1] == "no-exited":
    frame = host.frame
    host.frame = lambda ftype, payload=b"": b"" if ftype == host.EXITED else frame(ftype, payload)
elif sys.argv[1] == "no-tolerance":
    host.WRITE_ERRORS_TOLERANCE = 0
else:
    sys.exit("broken_host.py: unknown breakage %r" % sys.argv[1])
sys.exit(host.main())
