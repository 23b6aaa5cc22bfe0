"""A NETCONF subscriber hears about a change made behind the agent's back
(config-set on the server's socket). Environment as for operations.py."""

import json
import os
import socket

from ncclient import manager


def kea(command, arguments=None):
    request = {"command": command}
    if arguments is not None:
        request["arguments"] = arguments
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(os.environ["KN_KEA_SOCKET"])
    s.sendall(json.dumps(request).encode())
    buf = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
        try:
            return json.loads(buf)
        except ValueError:
            pass
    return json.loads(buf)


m = manager.connect(host="127.0.0.1", port=int(os.environ["KN_PORT"]),
                    username=os.environ["KN_USER"], password=os.environ["KN_PASSWORD"],
                    hostkey_verify=False, allow_agent=False, look_for_keys=False, timeout=30)
m.create_subscription()
config = kea("config-get")["arguments"]["Dhcp6"]
config.pop("hash", None)
config["subnet6"] = [{"id": 88, "subnet": "2001:db8:88::/64"}]
answer = kea("config-set", {"Dhcp6": config})
assert answer["result"] == 0, answer
for _ in range(5):
    note = m.take_notification(timeout=10)
    assert note is not None, "no notification within 10 s"
    if "server-config-drift" in note.notification_xml:
        assert "<server>dhcp6</server>" in note.notification_xml, note.notification_xml
        print(note.notification_xml)
        break
else:
    raise AssertionError("no server-config-drift notification")
m.close_session()
print("ALL OK")
