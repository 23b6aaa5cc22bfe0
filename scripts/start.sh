#!/usr/bin/env bash
# Starts the whole stack on one machine, on a default that works anywhere:
#
#   - network namespaces kea-srv / kea-cli joined by a veth pair
#     (tests/testbed/netns.sh), so DHCP never touches a real network;
#   - kea-dhcp4 (and kea-dhcp6 when built) serving srv0 inside kea-srv;
#   - kea-netconf in the main namespace: NETCONF over SSH on 127.0.0.1:830,
#     managing the servers through their unix control sockets.
#
# Everything lives under $KEA_STACK_DIR (default /tmp/kea-stack).
#   scripts/start.sh          build (release), start, print how to connect
#   scripts/start.sh stop     stop what a previous start started
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
run=${KEA_STACK_DIR:-/tmp/kea-stack}
netconf_port=${KEA_NETCONF_PORT:-830}

stop_stack() {
    # The servers and agent, and a dhclient started as the instructions say.
    for pidfile in "$run"/pids/*.pid "$run"/dhclient.pid; do
        [ -e "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
        rm -f "$pidfile"
    done
    tests/testbed/netns.sh down kea 2>/dev/null || true
}

if [ "${1:-}" = stop ]; then
    stop_stack
    echo "stack stopped"
    exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "start.sh needs root (network namespaces)" >&2; exit 1; }

scripts/install-deps.sh
cargo build --release --locked --bins
bin="$root/target/release"

stop_stack
mkdir -p "$run"/{data,sockets,logs,pids,netconf}
chmod 750 "$run/sockets"
export KEA_DHCP_DATA_DIR="$run/data" KEA_CONTROL_SOCKET_DIR="$run/sockets" \
       KEA_LOG_FILE_DIR="$run/logs" KEA_PIDFILE_DIR="$run/pids"

tests/testbed/netns.sh up kea

cat > "$run/kea-dhcp4.json" <<JSON
{
  "Dhcp4": {
    "interfaces-config": { "interfaces": [ "srv0" ] },
    "control-socket": { "socket-type": "unix", "socket-name": "kea4-ctrl-socket" },
    "lease-database": { "type": "memfile", "persist": true, "name": "kea-leases4.csv" },
    "valid-lifetime": 3600,
    "subnet4": [
      {
        "id": 1,
        "subnet": "192.0.2.0/24",
        "interface": "srv0",
        "pools": [ { "pool": "192.0.2.100 - 192.0.2.200" } ],
        "option-data": [ { "name": "routers", "data": "192.0.2.1" } ]
      }
    ],
    "loggers": [ { "name": "kea-dhcp4", "severity": "INFO",
                   "output-options": [ { "output": "$run/logs/kea-dhcp4.log" } ] } ]
  }
}
JSON

cat > "$run/kea-dhcp6.json" <<JSON
{
  "Dhcp6": {
    "interfaces-config": { "interfaces": [ "srv0" ] },
    "control-socket": { "socket-type": "unix", "socket-name": "kea6-ctrl-socket" },
    "lease-database": { "type": "memfile", "persist": true, "name": "kea-leases6.csv" },
    "subnet6": [
      {
        "id": 1,
        "subnet": "2001:db8:1::/64",
        "interface": "srv0",
        "pools": [ { "pool": "2001:db8:1::100 - 2001:db8:1::1ff" } ]
      }
    ],
    "loggers": [ { "name": "kea-dhcp6", "severity": "INFO",
                   "output-options": [ { "output": "$run/logs/kea-dhcp6.log" } ] } ]
  }
}
JSON

managed='"dhcp4": { "control-socket": { "socket-type": "unix", "socket-name": "'"$run"'/sockets/kea4-ctrl-socket" } }'
servers=(kea-dhcp4)
if [ -x "$bin/kea-dhcp6" ]; then
    servers+=(kea-dhcp6)
    managed="$managed"', "dhcp6": { "control-socket": { "socket-type": "unix", "socket-name": "'"$run"'/sockets/kea6-ctrl-socket" } }'
fi

password=${KEA_NETCONF_PASSWORD:-admin}
cat > "$run/kea-netconf.json" <<JSON
{
  "Netconf": {
    "managed-servers": { $managed },
    "netconf-server": {
      "address": "127.0.0.1",
      "port": $netconf_port,
      "users": [ { "name": "admin", "password": "$password" } ],
      "datastore-directory": "$run/netconf"
    },
    "loggers": [ { "name": "kea-netconf", "severity": "INFO",
                   "output-options": [ { "output": "$run/logs/kea-netconf.log" } ] } ]
  }
}
JSON

start() { # name command...
    local name=$1; shift
    "$@" >"$run/logs/$name.out" 2>&1 &
    echo $! >"$run/pids/$name.pid"
}

for s in "${servers[@]}"; do
    start "$s" ip netns exec kea-srv "$bin/$s" -c "$run/$s.json"
done
# The agent asks the servers for their config at start: give them a moment.
for s in "${servers[@]}"; do
    sock="$run/sockets/$( [ "$s" = kea-dhcp4 ] && echo kea4 || echo kea6 )-ctrl-socket"
    for _ in $(seq 1 50); do [ -S "$sock" ] && break; sleep 0.1; done
    [ -S "$sock" ] || { echo "$s did not open $sock; see $run/logs/$s.out" >&2; stop_stack; exit 1; }
done
start kea-netconf "$bin/kea-netconf" -c "$run/kea-netconf.json"
for _ in $(seq 1 100); do
    grep -q "NETCONF over SSH" "$run/logs/kea-netconf.out" 2>/dev/null && break
    kill -0 "$(cat "$run/pids/kea-netconf.pid")" 2>/dev/null || break
    sleep 0.1
done
grep -q "NETCONF over SSH" "$run/logs/kea-netconf.out" ||
    { echo "kea-netconf did not start; see $run/logs/kea-netconf.out" >&2; stop_stack; exit 1; }

cat <<TXT
The stack is running (state and logs in $run):
  ${servers[*]} serving srv0 in network namespace kea-srv; kea-netconf on 127.0.0.1:$netconf_port

Connect a NETCONF client (user admin, password $password):
  /usr/bin/python3 -c "from ncclient import manager; m = manager.connect(host='127.0.0.1', port=$netconf_port, username='admin', password='$password', hostkey_verify=False); print(m.get_config('running').data_xml)"
  ssh -p $netconf_port -s admin@127.0.0.1 netconf

Send a command to a server:
  echo '{"command": "config-get"}' | socat - UNIX-CONNECT:$run/sockets/kea4-ctrl-socket

Get a lease from the client namespace:
  ip netns exec kea-cli dhclient -1 -v -pf $run/dhclient.pid -lf $run/dhclient.leases cli0

Stop everything:
  scripts/start.sh stop
TXT
