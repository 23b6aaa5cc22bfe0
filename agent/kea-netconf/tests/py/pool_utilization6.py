"""Delegated prefixes of kea-dhcp6: a subscriber hears once when the
pd-pool (4 prefixes) of subnet 1 reaches the threshold 0.75, from leases
added over the server's control socket (KN_KEA_SOCKET)."""

from kn import connect, kea, next_notification




def add_prefix(i):
    answer = kea("lease6-add", {"subnet-id": 1, "type": "IA_PD", "prefix-len": 50,
                                "ip-address": "2001:db8:8:%x::" % (i * 0x4000),
                                "duid": "00:03:00:01:02:00:00:00:00:%02x" % i, "iaid": i + 1})
    assert answer["result"] == 0, answer


def next_pool_note(m, wait):
    return next_notification(m, "pool-utilization", wait)


m = connect()
m.create_subscription()
for i in range(2):
    add_prefix(i)
assert next_pool_note(m, 3) is None, "notified at 2 of 4 prefixes"
add_prefix(2)
xml = next_pool_note(m, 15)
assert xml is not None, "no pool-utilization notification within 15 s"
print(xml)
for part in ("<server>dhcp6</server>", "<subnet-id>1</subnet-id>", "<pool-type>prefix</pool-type>",
             "<assigned>3</assigned>", "<total>4</total>", "<state>over-threshold</state>"):
    assert part in xml, (part, xml)
m.close_session()
print("ALL OK")
