"""ARM 22.1.10 walk-through through NETCONF: each adapted file (in
KN_FILES_DIR) sent as edit-config on running with default-operation
replace; the server's config-get is checked after each; the BAD-* files
must be refused at the stage the ARM describes, changing nothing.
Environment as for operations.py, plus KN_FILES_DIR."""

import os

from ncclient.operations import RPCError

from kn import connect, kea

BASE = "urn:ietf:params:xml:ns:netconf:base:1.0"
FILES = os.environ["KN_FILES_DIR"]


def kea_config():
    return kea("config-get")["arguments"]["Dhcp6"]


def pools(config):
    return [[p["pool"] for p in s.get("pools", [])] for s in config.get("subnet6", [])]


def send(m, name):
    with open(os.path.join(FILES, name)) as f:
        body = f.read()
    m.edit_config(target="running", default_operation="replace",
                  config=f'<config xmlns="{BASE}">{body}</config>')


m = connect(timeout=60)

send(m, "startup.xml")
assert pools(kea_config()) == [["2001:db8::1:0/112"]], kea_config()
send(m, "twopools.xml")
assert pools(kea_config()) == [["2001:db8::1:0/112", "2001:db8::2:0/112"]], kea_config()
send(m, "twosubnets.xml")
assert pools(kea_config()) == [["2001:db8:1::/112"], ["2001:db8:2::/112"]], kea_config()
send(m, "logging.xml")
config = kea_config()
assert pools(config) == [["2001:db8::1:0/112"]], config
assert config["loggers"][0]["name"] == "kea-dhcp6" and config["loggers"][0]["severity"] == "DEBUG"
print("good files applied")

running = m.get_config(source="running").data_xml
server = kea_config()
for name, needle in [("BAD-schema.xml", "unknown-element"),
                     ("BAD-translator.xml", "translation to Kea JSON failed"),
                     ("BAD-config.xml", "config-test failed")]:
    try:
        send(m, name)
    except RPCError as e:
        assert needle in f"{e.tag} {e.message}", f"{name}: {e.tag} {e.message}"
        print(f"{name}: {e.tag}: {(e.message or '')[:150]}")
    else:
        raise AssertionError(f"{name} accepted")
    assert m.get_config(source="running").data_xml == running, f"{name} changed running"
    assert kea_config() == server, f"{name} changed the server"
m.close_session()
print("ALL OK")
