"""Commit-to-applied latency: edit-config on running (ncclient, SSH) until
the server's configuration hash changes. Kea 2.2 has no config-hash-get, so
the hash is a SHA-256 of config-get's canonical JSON, polled.

Environment as for operations.py; KN_ROUNDS (default 5) rounds per size.
"""

import hashlib
import json
import os
import statistics
import time

import ncclient.transport.ssh

from kn import connect, kea

# ncclient's reader wakes up every TICK (0.1 s) to send queued requests,
# which would add up to 100 ms to every RPC: poll faster for a measurement.
ncclient.transport.ssh.TICK = 0.001

NS = "urn:ietf:params:xml:ns:yang:kea-dhcp6-server"
BASE = "urn:ietf:params:xml:ns:netconf:base:1.0"
ROUNDS = int(os.environ.get("KN_ROUNDS", "5"))




def config_hash():
    config = kea("config-get", timeout=30)["arguments"]
    config.pop("hash", None)
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()


def subnets(first_id, count):
    out = []
    for i in range(first_id, first_id + count):
        out.append(f"<subnet6><id>{i}</id><subnet>2001:db8:{i:x}::/64</subnet>"
                   f"<pool><start-address>2001:db8:{i:x}::100</start-address>"
                   f"<end-address>2001:db8:{i:x}::1ff</end-address>"
                   f"<prefix>2001:db8:{i:x}::100/120</prefix></pool></subnet6>")
    return "".join(out)


m = connect(timeout=600)
required = os.environ["KN_REQUIRED_XML"]
m.edit_config(target="running", config=f'<config xmlns="{BASE}"><config xmlns="{NS}">{required}</config></config>')

next_id = 1
for size in (1, 1000):
    rpc_times, applied_times = [], []
    for _ in range(ROUNDS if size == 1 else max(1, ROUNDS // 2)):
        # Each round replaces the subnet list by `size` new subnets.
        edit = (f'<config xmlns="{BASE}"><config xmlns="{NS}" xmlns:nc="{BASE}" '
                f'nc:operation="replace">{required}{subnets(next_id, size)}</config></config>')
        next_id += size
        before = config_hash()
        start = time.perf_counter()
        m.edit_config(target="running", config=edit)
        rpc = time.perf_counter() - start
        while config_hash() == before:
            if time.perf_counter() - start > 120:
                raise SystemExit(f"{size} subnets: the server's hash did not change")
            time.sleep(0.005)
        applied = time.perf_counter() - start
        rpc_times.append(rpc * 1000)
        applied_times.append(applied * 1000)
    print(f"{size:5} subnet(s): edit-config rpc median {statistics.median(rpc_times):8.1f} ms, "
          f"commit-to-applied median {statistics.median(applied_times):8.1f} ms "
          f"(min {min(applied_times):.1f}, max {max(applied_times):.1f}, n={len(applied_times)})",
          flush=True)
m.close_session()
