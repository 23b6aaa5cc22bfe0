"""A NETCONF subscriber hears once when a subnet of kea-dhcp4 fills over the
agent's pool-utilization-threshold, and once when it drops back below.
Leases are added and deleted over the server's control socket
(KN_KEA_SOCKET); the subnet has 10 addresses and the threshold is 0.8."""

from kn import connect, kea, next_notification




def add(i):
    answer = kea("lease4-add", {"ip-address": "192.0.2.%d" % (10 + i), "subnet-id": 1,
                                "hw-address": "02:00:00:00:00:%02x" % i})
    assert answer["result"] == 0, answer


def delete(i):
    answer = kea("lease4-del", {"ip-address": "192.0.2.%d" % (10 + i)})
    assert answer["result"] == 0, answer


def next_pool_note(m, wait):
    return next_notification(m, "pool-utilization", wait)


def leaf(xml, name):
    start = xml.index("<%s>" % name) + len(name) + 2
    return xml[start:xml.index("</%s>" % name, start)]


m = connect()
m.create_subscription()

# 7 of 10: below the threshold, nothing is sent.
for i in range(7):
    add(i)
assert next_pool_note(m, 3) is None, "notified below the threshold"

# The 8th lease reaches 0.8.
add(7)
xml = next_pool_note(m, 15)
assert xml is not None, "no pool-utilization notification within 15 s"
print(xml)
assert "urn:isc-compatible:kea-netconf:notifications" in xml, xml
assert leaf(xml, "server") == "dhcp4", xml
assert leaf(xml, "subnet-id") == "1", xml
assert leaf(xml, "pool-type") == "address", xml
assert leaf(xml, "state") == "over-threshold", xml
assert (leaf(xml, "assigned"), leaf(xml, "total")) == ("8", "10"), xml

# Still over after a 9th lease: no second notification.
add(8)
assert next_pool_note(m, 3) is None, "the same crossing was notified twice"

# Back to 6 of 10: one below-threshold notification.
for i in (8, 7, 6):
    delete(i)
xml = next_pool_note(m, 15)
assert xml is not None, "no below-threshold notification within 15 s"
print(xml)
assert leaf(xml, "state") == "below-threshold", xml
assert leaf(xml, "assigned") == "6", xml
m.close_session()
print("ALL OK")
