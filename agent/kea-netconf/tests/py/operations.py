"""RFC 6241 operations through ncclient against kea-netconf managing a real
kea-dhcp6; every change is checked on the server with config-get.

Environment (set by tests/common/mod.rs): KN_PORT, KN_USER, KN_PASSWORD,
KN_KEA_SOCKET, KN_REQUIRED_XML (control socket etc. every pushed config
needs), KN_HOOKS_DIR.
"""

import os
import time

from ncclient.operations import RPCError

from kn import connect, kea

NS = "urn:ietf:params:xml:ns:yang:kea-dhcp6-server"
BASE = "urn:ietf:params:xml:ns:netconf:base:1.0"
REQUIRED = os.environ["KN_REQUIRED_XML"]
HOOKS = os.environ["KN_HOOKS_DIR"]


def subnets():
    answer = kea("config-get")
    assert answer["result"] == 0, answer
    return [s["subnet"] for s in answer["arguments"]["Dhcp6"].get("subnet6", [])]


def config(body):
    return f'<config xmlns="{BASE}"><config xmlns="{NS}">{body}</config></config>'


def subnet(ident, prefix, extra=""):
    return f"<subnet6><id>{ident}</id><subnet>{prefix}</subnet>{extra}</subnet6>"


def step(name):
    print(f"-- {name}", flush=True)


def expect_error(what, call, needle):
    try:
        call()
    except RPCError as e:
        text = f"{e.tag} {e.message}"
        assert needle in text, f"{what}: {needle!r} not in {text!r}"
        print(f"   {what}: refused: {text[:200]}")
        return
    raise AssertionError(f"{what}: accepted")


def wait_until(what, predicate, limit=15.0):
    start = time.time()
    while time.time() - start < limit:
        if predicate():
            return time.time() - start
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {limit}s (subnets {subnets()})")


m = connect()
m2 = connect()

step("edit-config on running reaches the server")
hooks = "".join(
    f"<hook-library><library>{HOOKS}/{lib}</library></hook-library>"
    for lib in ("libdhcp_lease_cmds.so", "libdhcp_stat_cmds.so"))
m.edit_config(target="running", config=config(
    REQUIRED + hooks + subnet(10, "2001:db8:10::/64")))
assert "2001:db8:10::/64" in subnets(), subnets()

step("get-config with subtree and XPath filters")
data = m.get_config(source="running", filter=(
    "subtree", f'<config xmlns="{NS}"><subnet6/></config>')).data_xml
assert "2001:db8:10::/64" in data and "hook-library" not in data, data
data = m.get_config(source="running", filter=(
    "xpath", ({"k": NS}, "/k:config/k:subnet6[k:id='10']/k:subnet"))).data_xml
assert "2001:db8:10::/64" in data and "hook-library" not in data, data

step("get-schema and with-defaults")
schema = m.get_schema("kea-dhcp6-server").data
assert "module kea-dhcp6-server" in schema, schema[:200]
data = m.get_config(source="running", filter=(
    "xpath", ({"k": NS}, "/k:config/k:subnet6[k:id='10']")), with_defaults="report-all").data_xml
# The Kea models declare no defaults: report-all returns what is set.
assert "2001:db8:10::/64" in data, data

step("lock: a second session is denied")
m.lock("candidate")
expect_error("second lock", lambda: m2.lock("candidate"), "lock-denied")
expect_error("edit of a locked candidate",
             lambda: m2.edit_config(target="candidate",
                                    config=config(subnet(99, "2001:db8:99::/64"))),
             "lock-denied")

step("candidate edit, validate, commit")
m.edit_config(target="candidate", config=config(subnet(11, "2001:db8:11::/64")))
assert "2001:db8:11::/64" not in subnets(), "candidate edit reached the server"
m.validate(source="candidate")
m.commit()
assert {"2001:db8:10::/64", "2001:db8:11::/64"} <= set(subnets()), subnets()
m.unlock("candidate")
m2.lock("candidate")
m2.unlock("candidate")

step("discard-changes")
m.edit_config(target="candidate", config=config(subnet(12, "2001:db8:12::/64")))
m.discard_changes()
assert "2001:db8:12::" not in m.get_config(source="candidate").data_xml
assert "2001:db8:12::/64" not in subnets()

step("copy-config running to startup")
m.copy_config(source="running", target="startup")
assert "2001:db8:11::/64" in m.get_config(source="startup").data_xml

step("get: leases, lease statistics and hosts from the server")
host = ("<host><identifier-type>duid</identifier-type><identifier>01:02:03:04</identifier>"
        "<ip-addresses>2001:db8:10::99</ip-addresses></host>")
m.edit_config(target="running", config=config(subnet(10, "2001:db8:10::/64", host)))
reservations = [s.get("reservations", []) for s in kea("config-get")["arguments"]["Dhcp6"]["subnet6"]
                if s["id"] == 10][0]
assert reservations and reservations[0]["duid"] == "01:02:03:04", reservations
answer = kea("lease6-add", {"subnet-id": 10, "ip-address": "2001:db8:10::5",
                            "duid": "1a:1b:1c:1d:1e:1f:20:21:22:23:24", "iaid": 1234})
assert answer["result"] == 0, answer
state = m.get(filter=("subtree", f'<state xmlns="{NS}"/>')).data_xml
assert "<ip-address>2001:db8:10::5</ip-address>" in state, state
assert "<iaid>1234</iaid>" in state, state
assert "<subnet-id>10</subnet-id>" in state and "<assigned-nas>1</assigned-nas>" in state, state
assert "<identifier>01:02:03:04</identifier>" in state, state

step("notifications: netconf-config-change after a commit")
m2.create_subscription()
m.edit_config(target="running", config=config(subnet(16, "2001:db8:16::/64")))
note = m2.take_notification(timeout=10)
assert note is not None and "netconf-config-change" in note.notification_xml, note

step("the server refuses a config: rpc-error with the server's text")
before_running = m.get_config(source="running").data_xml
before_server = subnets()
pool = ("<pool><start-address>2001:db8:99::</start-address><end-address>2001:db8:99::ff"
        "</end-address><prefix>2001:db8:99::/120</prefix></pool>")
expect_error("pool outside its subnet",
             lambda: m.edit_config(target="running",
                                   config=config(subnet(13, "2001:db8:13::/64", pool))),
             "config-test failed")
assert subnets() == before_server, subnets()
assert m.get_config(source="running").data_xml == before_running

step("confirmed commit that times out rolls back running and the server")
m.edit_config(target="candidate", config=config(subnet(14, "2001:db8:14::/64")))
m.commit(confirmed=True, timeout="2")
assert "2001:db8:14::/64" in subnets()
took = wait_until("rollback", lambda: "2001:db8:14::/64" not in subnets())
assert "2001:db8:14::" not in m.get_config(source="running").data_xml
print(f"   rolled back {took:.1f}s after the confirmed commit")

step("a confirmed commit rolls back even with running locked")
m.lock("running")
m.edit_config(target="candidate", config=config(subnet(17, "2001:db8:17::/64")))
m.commit(confirmed=True, timeout="1")
assert "2001:db8:17::/64" in subnets()
wait_until("rollback under lock", lambda: "2001:db8:17::/64" not in subnets())
assert "2001:db8:17::" not in m.get_config(source="running").data_xml
m.unlock("running")

step("confirmed commit confirmed in time stays")
m.edit_config(target="candidate", config=config(subnet(15, "2001:db8:15::/64")))
m.commit(confirmed=True, timeout="3")
m.commit()
time.sleep(4)
assert "2001:db8:15::/64" in subnets(), subnets()

step("cancel-commit of a persistent confirmed commit")
m.edit_config(target="candidate", config=config(subnet(18, "2001:db8:18::/64")))
m.commit(confirmed=True, timeout="60", persist="kn-token")
assert "2001:db8:18::/64" in subnets()
m2.cancel_commit(persist_id="kn-token")
assert "2001:db8:18::/64" not in subnets(), subnets()
assert "2001:db8:18::" not in m.get_config(source="running").data_xml

step("test-option test-only changes nothing")
m.edit_config(target="running", test_option="test-only",
              config=config(subnet(19, "2001:db8:19::/64")))
assert "2001:db8:19::" not in m.get_config(source="running").data_xml
assert "2001:db8:19::/64" not in subnets()

step("delete-config startup")
m.delete_config(target="startup")
assert "2001:db8:" not in m.get_config(source="startup").data_xml

step("a closed session's locks are released")
m2.lock("running")
expect_error("lock held by another session", lambda: m.lock("running"), "lock-denied")
m2.close_session()
m.lock("running")
m.unlock("running")

m.close_session()
print("ALL OK")
