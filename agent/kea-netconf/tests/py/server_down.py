"""kea-netconf whose server does not answer: config operations on the
datastore still work, state and commits fail with the reason.
Environment as for operations.py."""

from ncclient.operations import RPCError

from kn import connect

NS = "urn:ietf:params:xml:ns:yang:kea-dhcp6-server"
BASE = "urn:ietf:params:xml:ns:netconf:base:1.0"

m = connect()
# A <get> of the config alone needs no server.
m.get(filter=("subtree", f'<config xmlns="{NS}"/>'))
m.get_config(source="running")
for what, call in [
    ("state", lambda: m.get(filter=("subtree", f'<state xmlns="{NS}"/>'))),
    ("commit", lambda: m.edit_config(target="running", config=(
        f'<config xmlns="{BASE}"><config xmlns="{NS}"><subnet6><id>1</id>'
        f'<subnet>2001:db8::/64</subnet></subnet6></config></config>'))),
]:
    try:
        call()
    except RPCError as e:
        assert "dhcp6" in e.message, e.message
        print(f"{what}: refused: {e.message[:160]}")
        continue
    raise AssertionError(f"{what} succeeded without a server")
assert "2001:db8::" not in m.get_config(source="running").data_xml
m.close_session()
print("ALL OK")
