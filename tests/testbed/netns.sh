#!/usr/bin/env bash
# Test bed shared by the integration tests and the benchmarks: two network
# namespaces joined by a veth pair, so DHCP traffic (broadcast included) never
# leaves this machine.
#
#   netns.sh up NAME     create NAME-srv (srv0: 192.0.2.1/24, 2001:db8:1::1/64)
#                        and NAME-cli (cli0: 192.0.2.2/24, 2001:db8:1::2/64)
#   netns.sh down NAME   remove both namespaces (and the veth pair with them)
#   netns.sh pids NAME   list the PIDs still running inside the namespaces
#
# Each namespace gets its own /etc/netns/NS/resolv.conf, which `ip netns exec`
# mounts over /etc/resolv.conf: a DHCP client's script run inside (dhclient,
# udhcpc) writes the DNS servers our test servers hand out there, not into the
# machine's own resolver configuration.
#
# IPv6 DAD is off so addresses are usable at once. Only the namespaces named
# NAME-srv and NAME-cli are touched; processes are never killed here (each
# test stops the processes it started, by PID).
set -euo pipefail

usage() { echo "usage: $0 up|down|pids NAME" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1 name=$2
case "$name" in *[!A-Za-z0-9_-]*|"") echo "bad name: $name" >&2; exit 2;; esac
srv="$name-srv" cli="$name-cli"

in_ns() { ip netns exec "$1" "${@:2}"; }

setup_ns() { # ns ifname v4 v6
    local ns=$1 ifname=$2 v4=$3 v6=$4
    in_ns "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    in_ns "$ns" sysctl -qw "net.ipv6.conf.$ifname.accept_dad=0"
    in_ns "$ns" ip link set lo up
    in_ns "$ns" ip link set "$ifname" up
    in_ns "$ns" ip addr add "$v4" dev "$ifname"
    in_ns "$ns" ip -6 addr add "$v6" dev "$ifname" nodad
}

case "$action" in
up)
    # A leftover from an interrupted run would make 'add' fail: clear it first.
    "$0" down "$name" 2>/dev/null || true
    for ns in "$srv" "$cli"; do
        mkdir -p "/etc/netns/$ns"
        echo "# resolver of the test namespace $ns (tests/testbed/netns.sh)" > "/etc/netns/$ns/resolv.conf"
        ip netns add "$ns"
    done
    ip link add "$name-s" type veth peer name "$name-c"
    ip link set "$name-s" netns "$srv"
    ip link set "$name-c" netns "$cli"
    in_ns "$srv" ip link set "$name-s" name srv0
    in_ns "$cli" ip link set "$name-c" name cli0
    setup_ns "$srv" srv0 192.0.2.1/24 2001:db8:1::1/64
    setup_ns "$cli" cli0 192.0.2.2/24 2001:db8:1::2/64
    # Wait (bounded) until the link-local addresses are usable.
    for _ in $(seq 1 50); do
        if in_ns "$cli" ip -6 addr show dev cli0 scope link | grep -q inet6 &&
           ! in_ns "$cli" ip -6 addr show dev cli0 | grep -q tentative; then break; fi
        sleep 0.1
    done
    ;;
down)
    for ns in "$srv" "$cli"; do
        if ip netns list | grep -qw "^$ns"; then ip netns delete "$ns"; fi
        rm -rf "/etc/netns/$ns"
    done
    rmdir /etc/netns 2>/dev/null || true
    ;;
pids)
    for ns in "$srv" "$cli"; do
        ip netns list | grep -qw "^$ns" && ip netns pids "$ns" || true
    done
    ;;
*) usage ;;
esac
