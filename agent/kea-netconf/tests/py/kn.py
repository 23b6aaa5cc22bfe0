"""What the kea-netconf test scripts share: a NETCONF session with the agent
under test (ncclient) and Kea's command channel to the managed server.

Environment (set by tests/common/mod.rs): KN_PORT, KN_USER, KN_PASSWORD and,
for kea(), KN_KEA_SOCKET."""

import json
import os
import socket
import time

from ncclient import manager


def connect(timeout=30):
    """A NETCONF session with the agent, password login, host key not checked."""
    return manager.connect(
        host="127.0.0.1", port=int(os.environ["KN_PORT"]), username=os.environ["KN_USER"],
        password=os.environ["KN_PASSWORD"], hostkey_verify=False,
        allow_agent=False, look_for_keys=False, timeout=timeout)


def kea(command, arguments=None, timeout=10):
    """One command on the managed server's UNIX control socket; its answer."""
    request = {"command": command}
    if arguments is not None:
        request["arguments"] = arguments
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    s.connect(os.environ["KN_KEA_SOCKET"])
    s.sendall(json.dumps(request).encode())
    buf = b""
    while True:
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        buf += chunk
        try:
            return json.loads(buf)
        except ValueError:
            pass
    return json.loads(buf)


def next_notification(m, marker, wait):
    """The XML of the next notification containing `marker` within `wait`
    seconds, or None."""
    deadline = time.time() + wait
    while time.time() < deadline:
        note = m.take_notification(timeout=max(0.1, deadline - time.time()))
        if note is not None and marker in note.notification_xml:
            return note.notification_xml
    return None
