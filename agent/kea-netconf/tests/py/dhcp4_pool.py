"""kea-netconf managing our kea-dhcp4: add a pool to subnet 1 with
edit-config on running (phase "edit"), or read the state subtree and print
the leased addresses (phase "state").

Environment: KN_PORT, KN_USER, KN_PASSWORD, KN_PHASE.
"""

import os
import sys

from kn import connect

NS = "urn:ietf:params:xml:ns:yang:kea-dhcp4-server"


def main():
    with connect() as m:
        if os.environ["KN_PHASE"] == "edit":
            m.edit_config(target="running", config=f"""
<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <config xmlns="{NS}">
    <subnet4>
      <id>1</id>
      <pool>
        <start-address>192.0.2.50</start-address>
        <end-address>192.0.2.60</end-address>
      </pool>
    </subnet4>
  </config>
</config>""")
            print("pool added")
        else:
            reply = m.get(filter=("subtree", f'<state xmlns="{NS}"><leases/></state>'))
            root = reply.data_ele
            for address in root.iter(f"{{{NS}}}ip-address"):
                print("lease", address.text)


try:
    main()
except Exception as e:  # the test prints what went wrong
    print(f"error: {e!r}", file=sys.stderr)
    sys.exit(1)
