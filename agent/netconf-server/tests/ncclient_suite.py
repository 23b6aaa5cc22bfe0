#!/usr/bin/python3
"""Black-box checks of the NETCONF server with ncclient (and raw paramiko for
malformed input). Driven by tests/ncclient.rs; exits non-zero on failure."""

import argparse
import socket
import sys
import time
import traceback

import paramiko
from ncclient import manager
from ncclient.operations import RPCError
from ncclient.transport import TransportError
from ncclient.xml_ import to_ele

TEST_NS = "urn:example:test"
BASE_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"

args = None
failures = []


def connect(user=None, password=None, key_filename=None):
    kw = dict(password=password or args.password)
    if key_filename:
        kw = dict(key_filename=key_filename)
    return manager.connect(
        host="127.0.0.1",
        port=args.port,
        username=user or args.user,
        hostkey_verify=False,
        allow_agent=False,
        look_for_keys=False,
        timeout=10,
        **kw
    )


def check(name):
    def deco(fn):
        def run():
            try:
                fn()
                print("PASS", name, flush=True)
            except Exception:
                failures.append(name)
                print("FAIL", name, flush=True)
                traceback.print_exc()
        run.__name__ = fn.__name__
        return run
    return deco


def expect_rpc_error(fn, tag):
    try:
        fn()
    except RPCError as e:
        assert e.tag == tag, "expected %s, got %s (%s)" % (tag, e.tag, e.message)
        return e
    raise AssertionError("expected rpc-error %s" % tag)


CONFIG_A = '<config><top xmlns="%s"><name>alpha</name></top></config>' % TEST_NS
CONFIG_B = '<config><other xmlns="%s"><v>2 &lt; 3</v></other></config>' % TEST_NS


@check("hello and capabilities")
def t_hello():
    with connect() as m:
        caps = list(m.server_capabilities)
        assert "urn:ietf:params:netconf:base:1.1" in caps, caps
        assert "urn:ietf:params:netconf:base:1.0" in caps, caps
        assert any(c.startswith(TEST_NS) for c in caps), caps
        assert int(m.session_id) > 0


@check("get-config, edit-config, subtree filter")
def t_get_edit():
    with connect() as m:
        m.edit_config(target="running", config=CONFIG_A, default_operation="replace")
        m.edit_config(target="running", config=CONFIG_B)
        data = m.get_config(source="running").data_xml
        assert "alpha" in data and "2 &lt; 3" in data, data
        filt = ("subtree", '<other xmlns="%s"/>' % TEST_NS)
        data = m.get_config(source="running", filter=filt).data_xml
        assert "2 &lt; 3" in data and "alpha" not in data, data
        data = m.get(filter=("subtree", '<top xmlns="%s"/>' % TEST_NS)).data_xml
        assert "alpha" in data and "other" not in data, data
        empty = m.get_config(source="running", filter='<filter type="subtree"/>').data_xml
        assert "alpha" not in empty, empty


@check("bad authentication is refused")
def t_bad_auth():
    try:
        connect(password="wrong-" + args.password)
    except Exception:
        return
    raise AssertionError("connected with a wrong password")


@check("public-key authentication")
def t_pubkey():
    with connect(user=args.key_user, key_filename=args.key_file) as m:
        m.get_config(source="running")
    for user, key in ((args.key_user, args.bad_key_file), (args.user, args.key_file)):
        try:
            connect(user=user, key_filename=key)
        except Exception:
            continue
        raise AssertionError("connected as %s with key %s" % (user, key))


@check("host key is the one in the key file")
def t_host_key():
    sock = socket.create_connection(("127.0.0.1", args.port), timeout=10)
    t = paramiko.Transport(sock)
    try:
        t.start_client(timeout=10)
        key = t.get_remote_server_key()
        assert key.get_name() == "ssh-ed25519", key.get_name()
        assert key.get_base64() == args.host_pub.split()[1], (key.get_base64(), args.host_pub)
    finally:
        t.close()


@check("lock/unlock across two sessions (lock-denied, in-use)")
def t_locks():
    with connect() as m1, connect() as m2:
        m1.lock("running")
        e = expect_rpc_error(lambda: m2.lock("running"), "lock-denied")
        info = e.info or ""
        assert str(m1.session_id) in info, info
        expect_rpc_error(lambda: m2.edit_config(target="running", config=CONFIG_A), "in-use")
        m1.edit_config(target="running", config=CONFIG_A)
        m1.unlock("running")
        m2.lock("running")
        m2.unlock("running")


@check("kill-session ends the other session and releases its locks")
def t_kill():
    m1 = connect()
    with connect() as m2:
        m1.lock("candidate")
        expect_rpc_error(lambda: m2.lock("candidate"), "lock-denied")
        expect_rpc_error(lambda: m2.kill_session(m2.session_id), "invalid-value")
        expect_rpc_error(lambda: m2.kill_session("99999"), "invalid-value")
        m2.kill_session(m1.session_id)
        m2.lock("candidate")
        m2.unlock("candidate")
        try:
            m1.get_config(source="running")
        except Exception:
            pass
        else:
            raise AssertionError("killed session still answers")


@check("close-session")
def t_close():
    m = connect()
    m.lock("candidate")
    m.close_session()
    assert not m.connected
    with connect() as m2:
        m2.lock("candidate")  # released by close-session
        m2.unlock("candidate")


@check("candidate, commit, discard-changes")
def t_candidate():
    with connect() as m:
        m.edit_config(target="candidate", config=CONFIG_B, default_operation="replace")
        assert "alpha" not in m.get_config(source="candidate").data_xml
        m.discard_changes()
        m.edit_config(target="candidate", config=CONFIG_B, default_operation="replace")
        m.commit()
        data = m.get_config(source="running").data_xml
        assert "other" in data and "alpha" not in data, data


@check("get-schema and a YANG-defined RPC")
def t_schema_rpc():
    with connect() as m:
        r = m.get_schema("test")
        assert "module test" in r.data, r.xml
        expect_rpc_error(lambda: m.get_schema("nope"), "invalid-value")
        r = m.dispatch(to_ele('<echo xmlns="%s"><x/></echo>' % TEST_NS))
        assert "echoed" in r.xml, r.xml
        expect_rpc_error(lambda: m.dispatch(to_ele('<reboot xmlns="urn:nope"/>')), "operation-not-supported")
        expect_rpc_error(lambda: m.dispatch(to_ele(
            '<validate xmlns="%s"><source><candidate/></source></validate>' % BASE_NS)), "operation-not-supported")


@check("notifications after create-subscription")
def t_notifications():
    with connect() as sub, connect() as other:
        sub.create_subscription()
        expect_rpc_error(lambda: sub.create_subscription(), "in-use")
        r = other.dispatch(to_ele('<send-notification xmlns="%s"/>' % TEST_NS))
        assert ">1<" in r.xml, r.xml
        n = sub.take_notification(block=True, timeout=5)
        assert n is not None, "no notification"
        assert "test-event" in n.notification_xml and "hello &amp; bye" in n.notification_xml, n.notification_xml
        # The session keeps working (interleave).
        sub.get_config(source="running")


def raw_channel(base11=True):
    sock = socket.create_connection(("127.0.0.1", args.port), timeout=10)
    t = paramiko.Transport(sock)
    t.connect(username=args.user, password=args.password)
    ch = t.open_session()
    ch.settimeout(10)
    ch.invoke_subsystem("netconf")
    caps = "<capability>urn:ietf:params:netconf:base:1.0</capability>"
    if base11:
        caps += "<capability>urn:ietf:params:netconf:base:1.1</capability>"
    hello = '<hello xmlns="%s"><capabilities>%s</capabilities></hello>]]>]]>' % (BASE_NS, caps)
    ch.sendall(hello.encode())
    got = read_until(ch, b"]]>]]>")
    assert b"<session-id>" in got, got
    return t, ch


def read_until(ch, marker):
    buf = b""
    while marker not in buf:
        data = ch.recv(65536)
        if not data:
            break
        buf += data
    return buf


def chunk(msg):
    b = msg.encode()
    return b"\n#%d\n" % len(b) + b + b"\n##\n"


@check("raw: message-id and extra attributes echoed, malformed XML answered")
def t_raw_malformed_xml():
    t, ch = raw_channel()
    try:
        ch.sendall(chunk('<rpc xmlns="%s" xmlns:ex="urn:ex" message-id="m&amp;1" ex:user="u"><get-config><source><running/></source></get-config></rpc>' % BASE_NS))
        r = read_until(ch, b"\n##\n").decode()
        assert 'message-id="m&amp;1"' in r and 'ex:user="u"' in r and "<data" in r, r
        ch.sendall(chunk('<rpc xmlns="%s" message-id="2"><get></rpc>' % BASE_NS))
        r = read_until(ch, b"\n##\n").decode()
        assert "malformed-message" in r, r
        ch.sendall(chunk('<rpc xmlns="%s"><get/></rpc>' % BASE_NS))
        r = read_until(ch, b"\n##\n").decode()
        assert "missing-attribute" in r and "message-id" in r, r
        # The session is still usable after bad XML.
        ch.sendall(chunk('<rpc xmlns="%s" message-id="3"><get/></rpc>' % BASE_NS))
        r = read_until(ch, b"\n##\n").decode()
        assert 'message-id="3"' in r and "<data" in r, r
    finally:
        t.close()


@check("raw: bad chunk header gets malformed-message, then the session closes")
def t_raw_bad_chunk():
    t, ch = raw_channel()
    try:
        ch.sendall(b"\n#abc\n<rpc/>\n##\n")
        r = read_until(ch, b"\n##\n").decode()
        assert "malformed-message" in r, r
        rest = ch.recv(1024)
        assert rest == b"", rest
    finally:
        t.close()


@check("raw: base:1.0 session uses end-of-message framing")
def t_raw_base10():
    t, ch = raw_channel(base11=False)
    try:
        ch.sendall(('<rpc xmlns="%s" message-id="5"><get/></rpc>]]>]]>' % BASE_NS).encode())
        r = read_until(ch, b"]]>]]>").decode()
        assert 'message-id="5"' in r, r
        ch.sendall(b"<rpc message-id='6'><get></rpc>]]>]]>")
        r = read_until(ch, b"]]>]]>").decode()
        assert "operation-failed" in r and "malformed-message" not in r, r
    finally:
        t.close()


@check("raw: oversized message is refused")
def t_raw_oversize():
    t, ch = raw_channel()
    try:
        big = "<rpc xmlns='%s' message-id='1'><get/>%s</rpc>" % (BASE_NS, " " * (args.max_message + 10))
        try:
            ch.sendall(chunk(big))
        except Exception:
            pass
        r = read_until(ch, b"\n##\n").decode()
        assert "malformed-message" in r, r
    finally:
        t.close()


@check("session limit")
def t_session_limit():
    sessions = []
    try:
        refused = False
        for _ in range(args.max_sessions + 1):
            try:
                sessions.append(connect())
            except Exception:
                refused = True
                break
        assert refused, "opened %d sessions with a limit of %d" % (len(sessions), args.max_sessions)
        assert len(sessions) == args.max_sessions, len(sessions)
    finally:
        for s in sessions:
            s.close_session()
    time.sleep(0.2)
    with connect() as m:
        m.get_config(source="running")


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--max-sessions", type=int, required=True)
    p.add_argument("--max-message", type=int, required=True)
    p.add_argument("--key-user", required=True)
    p.add_argument("--key-file", required=True)
    p.add_argument("--bad-key-file", required=True)
    p.add_argument("--host-pub", required=True)
    p.add_argument("--only", default="")
    args = p.parse_args()
    tests = [t_hello, t_get_edit, t_bad_auth, t_pubkey, t_host_key, t_locks, t_kill, t_close, t_candidate, t_schema_rpc,
             t_notifications, t_raw_malformed_xml, t_raw_bad_chunk, t_raw_base10, t_raw_oversize,
             t_session_limit]
    for t in tests:
        if args.only and args.only not in t.__name__:
            continue
        t()
    if failures:
        print("FAILED:", ", ".join(failures))
        sys.exit(1)
    print("ALL PASSED")


if __name__ == "__main__":
    main()
