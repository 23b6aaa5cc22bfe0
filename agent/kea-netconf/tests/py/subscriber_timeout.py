"""A commit whose change phase takes longer than the agent's change-timeout
fails with operation-failed and changes nothing; the server that answered
late is never sent the config. The managed "server" is a stand-in on a unix
socket that answers config-test slowly the first time.

Environment (set by tests/monitoring.rs): KN_PORT, KN_USER, KN_PASSWORD,
KN_KEA_SOCKET (where to listen), KN_CHANGE_TIMEOUT (seconds).
"""

import json
import os
import socket
import sys
import threading
import time

from ncclient import manager
from ncclient.operations import RPCError

PORT = int(os.environ["KN_PORT"])
SOCKET = os.environ["KN_KEA_SOCKET"]
TIMEOUT = int(os.environ["KN_CHANGE_TIMEOUT"])
NS = "urn:ietf:params:xml:ns:yang:kea-dhcp6-server"

received = []          # commands in arrival order
slow_tests = [1]       # how many config-tests still answer late


def answer(request):
    command = request.get("command")
    received.append(command)
    if command == "config-test":
        if slow_tests[0] > 0:
            slow_tests[0] -= 1
            time.sleep(TIMEOUT + 2)
        return {"result": 0, "text": "Configuration seems sane."}
    if command == "config-set":
        return {"result": 0, "text": "Configuration successful."}
    if command == "config-get":
        return {"result": 0, "arguments": {"Dhcp6": {}}}
    return {"result": 2, "text": "'%s' command not supported." % command}


def serve(listener):
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


def handle(conn):
    with conn:
        buf = b""
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                return
            buf += chunk
            try:
                request = json.loads(buf)
                break
            except ValueError:
                continue
        conn.sendall(json.dumps(answer(request)).encode())


def edit(m, subnet_id):
    config = ('<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'
              '<config xmlns="%s"><subnet6><id>%d</id><subnet>2001:db8:%d::/64</subnet>'
              '</subnet6></config></config>' % (NS, subnet_id, subnet_id))
    m.edit_config(target="running", config=config)


def subnet_ids(m):
    xml = m.get_config("running").xml
    return sorted(int(part.split("</id>")[0]) for part in xml.split("<id>")[1:])


def main():
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(SOCKET)
    listener.listen(8)
    threading.Thread(target=serve, args=(listener,), daemon=True).start()

    m = manager.connect(host="127.0.0.1", port=PORT, username=os.environ["KN_USER"],
                        password=os.environ["KN_PASSWORD"], hostkey_verify=False,
                        allow_agent=False, look_for_keys=False, timeout=60)
    started = time.time()
    try:
        edit(m, 1)
        raise AssertionError("the commit succeeded although config-test answered late")
    except RPCError as e:
        elapsed = time.time() - started
        assert e.tag == "operation-failed", (e.tag, e.message)
        assert "did not answer within" in e.message, e.message
        assert elapsed < TIMEOUT + 1.5, "the commit waited %.1f s" % elapsed
        print("slow change phase: %s after %.1f s: %s" % (e.tag, elapsed, e.message))
    assert subnet_ids(m) == [], "nothing applied"
    # The late verdict arrives; the server must still not be sent the config.
    time.sleep(TIMEOUT + 2)
    assert "config-set" not in received, received

    edit(m, 2)
    assert subnet_ids(m) == [2], subnet_ids(m)
    assert received.count("config-set") == 1, received
    print("in-time change phase: applied and pushed; commands seen: %s" % received)
    m.close_session()
    print("ALL OK")


if __name__ == "__main__":
    try:
        main()
    except Exception:
        import traceback
        traceback.print_exc()
        sys.exit(1)
