"""A NETCONF subscriber hears about a change made behind the agent's back
(config-set on the server's socket). Environment as for operations.py."""

from kn import connect, kea




m = connect()
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
