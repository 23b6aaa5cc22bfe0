"""ietf-netconf-monitoring (RFC 6022), ietf-yang-library (RFC 8525) and the
session limits of kea-netconf, seen by real clients: ncclient sessions and
a raw paramiko channel that sends garbage.

Environment (set by tests/monitoring.rs): KN_PORT, KN_USER, KN_PASSWORD,
KN_MAX_SESSIONS, KN_IDLE_TIMEOUT (seconds).
"""

import os
import re
import socket
import sys
import time

import paramiko
from lxml import etree
from ncclient import manager
from ncclient.operations import RPCError

PORT = int(os.environ["KN_PORT"])
USER = os.environ["KN_USER"]
PASSWORD = os.environ["KN_PASSWORD"]
MAX_SESSIONS = int(os.environ["KN_MAX_SESSIONS"])
IDLE = int(os.environ["KN_IDLE_TIMEOUT"])
NCM = "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"
YLIB = "urn:ietf:params:xml:ns:yang:ietf-yang-library"
NSMAP = {"m": NCM, "y": YLIB}


def connect():
    return manager.connect(
        host="127.0.0.1", port=PORT, username=USER, password=PASSWORD,
        hostkey_verify=False, allow_agent=False, look_for_keys=False,
        timeout=30)


def data(reply):
    return etree.fromstring(reply.xml.encode())


def texts(root, xpath):
    return [e.text for e in root.xpath(xpath, namespaces=NSMAP)]


def one(root, xpath):
    found = texts(root, xpath)
    assert len(found) == 1, (xpath, found)
    return found[0]


def netconf_state(m, inner=""):
    f = '<netconf-state xmlns="%s">%s</netconf-state>' % (NCM, inner)
    return data(m.get(filter=("subtree", f)))


def session_counter(m, sid, leaf):
    root = netconf_state(m, "<sessions/>")
    return int(one(root, "//m:session[m:session-id='%s']/m:%s" % (sid, leaf)))


def statistic(m, leaf):
    return int(one(netconf_state(m, "<statistics/>"), "//m:statistics/m:" + leaf))


def check_hello_and_yang_library(a):
    caps = list(a.server_capabilities)
    lib11 = [c for c in caps if c.startswith(
        "urn:ietf:params:netconf:capability:yang-library:1.1?")]
    lib10 = [c for c in caps if c.startswith(
        "urn:ietf:params:netconf:capability:yang-library:1.0?")]
    assert len(lib11) == 1 and len(lib10) == 1, caps
    content_id = re.search(r"content-id=([^&]+)", lib11[0]).group(1)
    module_set_id = re.search(r"module-set-id=([^&]+)", lib10[0]).group(1)
    assert "revision=2019-01-04" in lib11[0], lib11

    root = data(a.get(filter=("subtree", '<yang-library xmlns="%s"/>' % YLIB)))
    assert one(root, "//y:yang-library/y:content-id") == content_id
    modules = texts(root, "//y:yang-library/y:module-set/y:module/y:name")
    for name in ("kea-dhcp4-server", "kea-dhcp6-server", "ietf-netconf-monitoring",
                 "ietf-yang-library"):
        assert name in modules, (name, modules)
    assert texts(root, "//y:yang-library/y:datastore/y:name"), "datastores listed"
    # The deprecated RFC 7895 view, same id.
    root = data(a.get(filter=("subtree",
                              '<modules-state xmlns="%s"/>' % YLIB)))
    assert one(root, "//y:modules-state/y:module-set-id") == module_set_id
    assert "kea-dhcp6-server" in texts(root, "//y:modules-state/y:module/y:name")
    print("hello and yang-library: content-id %s, %d modules" % (content_id, len(modules)))
    return caps


def check_netconf_state(a, b, caps):
    a.lock("candidate")
    root = netconf_state(b)
    # Capabilities are those of the hello.
    listed = texts(root, "//m:capabilities/m:capability")
    assert sorted(listed) == sorted(caps), (listed, caps)
    # Datastores, with a's lock on the candidate.
    assert sorted(texts(root, "//m:datastore/m:name")) == ["candidate", "running", "startup"]
    assert one(root, "//m:datastore[m:name='candidate']//m:locked-by-session") == a.session_id
    assert one(root, "//m:datastore[m:name='candidate']//m:locked-time")
    assert not texts(root, "//m:datastore[m:name='running']//m:locked-by-session")
    # Both sessions, with who and from where.
    for s in (a, b):
        entry = "//m:session[m:session-id='%s']" % s.session_id
        assert one(root, entry + "/m:username") == USER
        assert one(root, entry + "/m:transport").endswith("netconf-ssh")
        assert one(root, entry + "/m:source-host") == "127.0.0.1"
        assert one(root, entry + "/m:login-time")
    # Statistics are all there.
    for leaf in ("netconf-start-time", "in-bad-hellos", "in-sessions", "dropped-sessions",
                 "in-rpcs", "in-bad-rpcs", "out-rpc-errors", "out-notifications"):
        assert one(root, "//m:statistics/m:" + leaf) is not None, leaf
    # Every schema is YANG, fetched over NETCONF, and get-schema returns it.
    schemas = root.xpath("//m:schema", namespaces=NSMAP)
    assert len(schemas) >= 15, len(schemas)
    for schema in schemas:
        ident = schema.findtext("{%s}identifier" % NCM)
        version = schema.findtext("{%s}version" % NCM)
        assert schema.findtext("{%s}format" % NCM).endswith("yang"), ident
        assert schema.findtext("{%s}location" % NCM) == "NETCONF", ident
        text = b.get_schema(ident, version=version or None, format="yang").data
        assert re.search(r"\bmodule %s\b" % re.escape(ident), text), ident
    # An XPath filter picks one schema.
    reply = b.get(filter=("xpath", ({"m": NCM},
                                    "/m:netconf-state/m:schemas/m:schema[m:identifier='kea-dhcp4-server']")))
    root = data(reply)
    assert texts(root, "//m:schema/m:identifier") == ["kea-dhcp4-server"]
    assert not texts(root, "//m:session")
    a.unlock("candidate")
    root = netconf_state(b, "<datastores/>")
    assert not texts(root, "//m:locked-by-session")
    print("netconf-state: %d schemas, sessions %s and %s" % (len(schemas), a.session_id, b.session_id))


def check_counters(a, b):
    rpcs = session_counter(b, a.session_id, "in-rpcs")
    errors = session_counter(b, a.session_id, "out-rpc-errors")
    a.get_config("running")
    try:
        a.get_schema("no-such-module")
        raise AssertionError("get-schema of an unknown module succeeded")
    except RPCError as e:
        assert e.tag == "invalid-value", e.tag
    assert session_counter(b, a.session_id, "in-rpcs") == rpcs + 2
    assert session_counter(b, a.session_id, "out-rpc-errors") == errors + 1
    print("counters: in-rpcs %d -> %d" % (rpcs, rpcs + 2))


class RawSession:
    """A NETCONF session over a bare paramiko channel."""

    def __init__(self):
        self.transport = paramiko.Transport(("127.0.0.1", PORT))
        self.transport.connect(username=USER, password=PASSWORD)
        self.chan = self.transport.open_session()
        self.chan.settimeout(10)
        self.chan.invoke_subsystem("netconf")
        self.buf = b""

    def read_until(self, marker):
        while marker not in self.buf:
            chunk = self.chan.recv(65536)
            if not chunk:
                raise EOFError(self.buf)
            self.buf += chunk
        out, self.buf = self.buf.split(marker, 1)
        return out

    def closed(self):
        try:
            while True:
                if not self.chan.recv(65536):
                    return True
        except socket.timeout:
            return False

    def close(self):
        self.transport.close()


def check_garbage_session(a):
    dropped = statistic(a, "dropped-sessions")
    bad = statistic(a, "in-bad-rpcs")
    raw = RawSession()
    raw.read_until(b"]]>]]>")  # server hello
    raw.chan.sendall(b'<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>'
                     b'<capability>urn:ietf:params:netconf:base:1.1</capability>'
                     b'</capabilities></hello>]]>]]>')
    # Not XML: an rpc-error, and the session goes on.
    raw.chan.sendall(b"\n#11\n<<<garbage>\n##\n")
    reply = raw.read_until(b"\n##\n")
    assert b"malformed-message" in reply, reply
    a.get_config("running")  # the other session is unaffected
    # Broken framing: an rpc-error, then the session is closed.
    raw.chan.sendall(b"\n#zz\n")
    reply = raw.read_until(b"\n##\n")
    assert b"malformed-message" in reply, reply
    assert raw.closed(), "session closed after a framing error"
    raw.close()
    a.get_config("running")
    assert statistic(a, "in-bad-rpcs") == bad + 2
    assert statistic(a, "dropped-sessions") == dropped + 1
    print("garbage session: answered, then closed; the other session went on")


def check_bad_hello(a):
    bad = statistic(a, "in-bad-hellos")
    raw = RawSession()
    raw.read_until(b"]]>]]>")
    raw.chan.sendall(b'<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>'
                     b'<capability>urn:example:nothing</capability></capabilities></hello>]]>]]>')
    assert raw.closed()
    raw.close()
    assert statistic(a, "in-bad-hellos") == bad + 1
    print("bad hello: counted and closed")


def check_session_limit(open_sessions):
    extra = []
    while len(open_sessions) + len(extra) < MAX_SESSIONS:
        extra.append(connect())
    try:
        connect()
        raise AssertionError("a session beyond max-sessions was accepted")
    except Exception as e:  # ncclient reports the refused subsystem
        print("session %d refused: %s" % (MAX_SESSIONS + 1, type(e).__name__))
    for m in extra:
        m.close_session()


def check_idle_timeout(a):
    dropped = statistic(a, "dropped-sessions")
    idle = connect()
    sid = idle.session_id
    deadline = time.time() + IDLE + 5
    # a stays busy: it is not idle.
    while time.time() < deadline:
        a.get_config("running")
        root = netconf_state(a, "<sessions/>")
        if sid not in texts(root, "//m:session/m:session-id"):
            break
        time.sleep(0.5)
    else:
        raise AssertionError("idle session %s was not closed" % sid)
    assert statistic(a, "dropped-sessions") == dropped + 1
    print("idle session %s closed after ~%d s; the busy one stayed" % (sid, IDLE))


def check_session_notifications():
    """RFC 6470 session events reach a subscriber."""
    sub = connect()
    sub.create_subscription()
    other = connect()
    other_id = other.session_id
    other.close_session()
    events = []
    while len(events) < 2:
        n = sub.take_notification(timeout=10)
        assert n is not None, "no session notification within 10 s: %s" % events
        events.append(n.notification_xml)
    start, end = events
    assert "<netconf-session-start" in start and "<session-id>%s</session-id>" % other_id in start, start
    assert "<username>%s</username>" % USER in start and "<source-host>127.0.0.1</source-host>" in start, start
    assert "<netconf-session-end" in end and "<termination-reason>closed</termination-reason>" in end, end
    sub.close_session()
    print("session notifications: start and end of session %s" % other_id)


def main():
    a = connect()
    b = connect()
    caps = check_hello_and_yang_library(a)
    check_netconf_state(a, b, caps)
    check_counters(a, b)
    check_garbage_session(a)
    check_bad_hello(a)
    check_session_limit([a, b])
    b.close_session()
    check_idle_timeout(a)
    a.close_session()
    check_session_notifications()
    print("ALL OK")


if __name__ == "__main__":
    try:
        main()
    except Exception:
        import traceback
        traceback.print_exc()
        sys.exit(1)
