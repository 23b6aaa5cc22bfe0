"""SIGTERM while a NETCONF session is open: the agent closes the session
and exits. KN_AGENT_PID is the agent's PID; environment as for
operations.py."""

import os
import signal
import time

from kn import connect

m = connect()
m.lock("running")
os.kill(int(os.environ["KN_AGENT_PID"]), signal.SIGTERM)
start = time.time()
while m.connected and time.time() - start < 10:
    time.sleep(0.05)
assert not m.connected, "session still open 10 s after SIGTERM"
print(f"session closed by the agent {time.time() - start:.2f}s after SIGTERM")
print("ALL OK")
