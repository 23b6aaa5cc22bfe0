#!/usr/bin/env bash
# NETCONF benchmarks of our kea-netconf driving our kea-dhcp4 (Debian ships no kea-netconf for
# Kea 2.2.0, so there is no Kea figure to compare with).
#
#   bench/netconf.sh [--no-build] [--keep]
#
# Measures:
#   1. commit-to-applied latency of a 1-subnet and a 1,000-subnet change: from `sysrepocfg
#      --edit` on the running datastore until the server's config-get shows the change;
#   2. commit-to-applied latency of adding 1 subnet to ~1,000 with `apply-mode` delta (subnet4-add)
#      and full (config-set; the agent is switched by SIGHUP), median of 5 each, polled with
#      subnet4-get every 10 ms;
#   3. edit-config (candidate) + commit round trips per second over one NETCONF/SSH session
#      (ncclient, sequential, at most 50 or 60 s): each changes subnet 1's valid-lifetime in the
#      ~1,000-subnet config, which the agent config-tests and applies before answering;
#   4. <get-config> of the running datastore holding ~11,000 subnets over NETCONF/SSH (OpenSSH
#      client, key login, base:1.0 framing), wall time.
# Everything runs on loopback in a temp dir; the DHCP server opens no interfaces. Only processes
# started here are stopped, by PID. Waits are bounded.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BUILD=1 KEEP=0
for a in "$@"; do
    case "$a" in
    --no-build) BUILD=0 ;;
    --keep) KEEP=1 ;;
    *) echo "usage: $0 [--no-build] [--keep]" >&2; exit 2 ;;
    esac
done
if [ $BUILD = 1 ]; then
    (cd "$ROOT" && cargo build --release -p kea-dhcp4 -p kea-netconf -p kea-loadgen) >&2
fi
DHCP4=${DHCP4:-$TARGET/release/kea-dhcp4}
NETCONF=${NETCONF:-$TARGET/release/kea-netconf}
SYSREPOCFG=${SYSREPOCFG:-$TARGET/release/sysrepocfg}
LOADGEN=${LOADGEN:-$TARGET/release/kea-loadgen}
for b in "$DHCP4" "$NETCONF" "$SYSREPOCFG" "$LOADGEN"; do
    [ -x "$b" ] || { echo "missing $b (cargo build --release -p kea-dhcp4 -p kea-netconf -p kea-loadgen)" >&2; exit 2; }
done

TMP=$(mktemp -d /tmp/kea-bench-netconf.XXXXXX)
PIDS=()
stop_pid() {
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    if [ $KEEP = 1 ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "[$(date +%T)] $*" >&2; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
SOCK="$TMP/kea4.sock"
# Kea 3.0's path restrictions: let both daemons keep their files in the temp dir.
export KEA_PIDFILE_DIR=$TMP KEA_LOG_FILE_DIR=$TMP KEA_DHCP_DATA_DIR=$TMP KEA_CONTROL_SOCKET_DIR=$TMP KEA_LOCKFILE_DIR=none
DS="$TMP/datastore"; mkdir -p "$DS"
PORT=$(( 20000 + RANDOM % 20000 ))
ctrl() { "$LOADGEN" ctrl --socket "$SOCK" --command "$1" ${2:+--arguments "$2"}; }
subnet_count() { ctrl config-get | jq '.arguments.Dhcp4.subnet4 | length'; }

# -------------------------------------------------------------- DHCP server (no interfaces)
cat > "$TMP/kea-dhcp4.json" <<EOF
{"Dhcp4": {
  "interfaces-config": {"interfaces": []},
  "control-socket": {"socket-type": "unix", "socket-name": "$SOCK"},
  "lease-database": {"type": "memfile", "persist": false},
  "valid-lifetime": 4000,
  "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.200"}]}],
  "loggers": [{"name": "kea-dhcp4", "severity": "WARN", "output-options": [{"output": "$TMP/kea-dhcp4.log"}]}]
}}
EOF
"$DHCP4" -c "$TMP/kea-dhcp4.json" > "$TMP/dhcp4.out" 2>&1 &
PIDS+=("$!")
"$LOADGEN" wait-ready --socket "$SOCK" --limit-s 20 > /dev/null ||
    { echo "kea-dhcp4 did not start:" >&2; tail -5 "$TMP/dhcp4.out" >&2; exit 1; }

# ------------------------------------------------------------------ kea-netconf
# The startup datastore gets the server's whole config first (what the server runs), so that
# the boot update pushes the same config and the edits below add to it instead of replacing it.
cat > "$TMP/base.xml" <<EOF
<config xmlns="urn:ietf:params:xml:ns:yang:kea-dhcp4-server">
  <subnet4><id>1</id><subnet>192.0.2.0/24</subnet><pool><start-address>192.0.2.10</start-address><end-address>192.0.2.200</end-address></pool></subnet4>
  <valid-lifetime>4000</valid-lifetime>
  <lease-database><database-type>memfile</database-type><persist>false</persist></lease-database>
  <control-socket><socket-type>unix</socket-type><socket-name>$SOCK</socket-name></control-socket>
  <logger><name>kea-dhcp4</name><output-option><output>$TMP/kea-dhcp4.log</output></output-option><severity>WARN</severity></logger>
</config>
EOF
"$SYSREPOCFG" -d startup -f xml -m kea-dhcp4-server --import="$TMP/base.xml" --datastore-dir "$DS" > "$TMP/import.out" 2>&1 ||
    { echo "could not seed the startup datastore: $(cat "$TMP/import.out")" >&2; exit 1; }
ssh-keygen -q -t ed25519 -N '' -f "$TMP/client_key"
cat > "$TMP/kea-netconf.json" <<EOF
{"Netconf": {
  "boot-update": true, "subscribe-changes": true, "validate-changes": true,
  "managed-servers": {"dhcp4": {"model": "kea-dhcp4-server",
      "control-socket": {"socket-type": "unix", "socket-name": "$SOCK"}}},
  "netconf-server": {"address": "127.0.0.1", "port": $PORT, "datastore-directory": "$DS",
      "users": [{"name": "bench", "authorized-key": "$(cut -d' ' -f1-2 "$TMP/client_key.pub")"}]},
  "loggers": [{"name": "kea-netconf", "severity": "INFO", "output-options": [{"output": "$TMP/kea-netconf.log"}]}]
}}
EOF
"$NETCONF" -c "$TMP/kea-netconf.json" > "$TMP/netconf.out" 2>&1 &
NETCONF_PID=$!
PIDS+=("$NETCONF_PID")
for _ in $(seq 1 100); do [ -S "$DS/kea-netconf.sock" ] && break; sleep 0.1; done
[ -S "$DS/kea-netconf.sock" ] || { echo "kea-netconf did not start:" >&2; tail -20 "$TMP/netconf.out" >&2; exit 1; }

# subnets_xml FIRST COUNT: subnets number FIRST.. as /29s carved from 198.18.0.0/15 (ids FIRST+2..)
# in the kea-dhcp4-server model. Config only: the server opens no interfaces.
subnets_xml() {
    local first=$1 n=$2 g base o
    echo '<config xmlns="urn:ietf:params:xml:ns:yang:kea-dhcp4-server">'
    for ((g = first; g < first + n; g++)); do
        base=$(( (198 << 24 | 18 << 16) + g * 8 ))
        o="$(( base >> 24 & 255 )).$(( base >> 16 & 255 )).$(( base >> 8 & 255 ))"
        printf '<subnet4><id>%d</id><subnet>%s.%d/29</subnet><pool><start-address>%s.%d</start-address><end-address>%s.%d</end-address></pool></subnet4>\n' \
            $((g + 2)) "$o" $((base & 255)) "$o" $(( (base & 255) + 1 )) "$o" $(( (base & 255) + 6 ))
    done
    echo '</config>'
}
edit_and_wait() { # label xml expected-subnet-count
    local label=$1 xml=$2 want=$3 t0 t1 t2 n=0
    t0=$(now_ms)
    "$SYSREPOCFG" -d running --edit="$xml" --datastore-dir "$DS" > "$TMP/edit.out" 2>&1 ||
        { log "$label: sysrepocfg failed: $(head -c 300 "$TMP/edit.out")"; return 1; }
    t1=$(now_ms)
    for _ in $(seq 1 600); do # at most ~1 minute
        [ -S "$SOCK" ] || { log "$label: the server's control socket is gone"; break; }
        n=$(subnet_count 2>/dev/null || echo 0)
        [ "$n" = "$want" ] && break
        sleep 0.1
    done
    t2=$(now_ms)
    [ "$n" = "$want" ] || { log "$label: server has $n subnets, expected $want"; return 1; }
    echo "| $label | $((t1 - t0)) ms | $((t2 - t0)) ms |"
}
edit_until_subnet() { # xml subnet-id: prints ms from the edit until subnet4-get finds the subnet
    local xml=$1 id=$2 t0 t1
    t0=$(now_ms)
    "$SYSREPOCFG" -d running --edit="$xml" --datastore-dir "$DS" > "$TMP/edit.out" 2>&1 ||
        { log "subnet $id: sysrepocfg failed: $(head -c 300 "$TMP/edit.out")"; return 1; }
    for _ in $(seq 1 3000); do # at most ~1 minute
        if ctrl subnet4-get "{\"id\": $id}" 2>/dev/null | jq -e '.result == 0' > /dev/null; then
            t1=$(now_ms)
            echo $((t1 - t0))
            return 0
        fi
        sleep 0.01
    done
    log "subnet $id never appeared"
    return 1
}
{
    echo "# NETCONF benchmark $(date -u '+%Y-%m-%d %H:%M UTC') (ours only; Debian has no kea-netconf 2.2.0)"
    echo
    echo "Binaries: $NETCONF, $SYSREPOCFG, $DHCP4. Applied = polled with config-get every 0.1 s;"
    echo "get-config wall time includes the SSH connection and key exchange."
    echo
    echo "| change | sysrepocfg returned | applied (config-get shows it) |"
    echo "| --- | --- | --- |"
    base=$(subnet_count)
    subnets_xml 0 1 > "$TMP/one.xml"
    edit_and_wait "1 subnet" "$TMP/one.xml" $((base + 1)) || echo "| 1 subnet | failed | see log |"
    subnets_xml 1 1000 > "$TMP/thousand.xml"
    edit_and_wait "1,000 subnets" "$TMP/thousand.xml" $((base + 1001)) || echo "| 1,000 subnets | failed | see log |"
    echo
    echo "| 1 subnet added to ~1,000 | median of 5 (min-max) | path taken |"
    echo "| --- | --- | --- |"
    next=12000
    for mode in delta full; do
        if [ $mode = full ]; then
            jq '.Netconf."managed-servers".dhcp4."apply-mode" = "full"' "$TMP/kea-netconf.json" > "$TMP/full.json"
            cp "$TMP/full.json" "$TMP/kea-netconf.json"
            kill -HUP "$NETCONF_PID"
            sleep 1
        fi
        times=() deltas_before=$(grep -c NETCONF_UPDATE_CONFIG_DELTA_COMPLETED "$TMP/kea-netconf.log" || true)
        for _ in 1 2 3 4 5; do
            next=$((next + 1))
            subnets_xml $next 1 > "$TMP/single.xml"
            id=$((next + 2))
            t=$(edit_until_subnet "$TMP/single.xml" $id) || { times=(); break; }
            times+=("$t")
        done
        deltas=$(( $(grep -c NETCONF_UPDATE_CONFIG_DELTA_COMPLETED "$TMP/kea-netconf.log" || true) - deltas_before ))
        if [ ${#times[@]} = 5 ]; then
            sorted=$(printf '%s\n' "${times[@]}" | sort -n)
            echo "| apply-mode $mode | $(echo "$sorted" | sed -n 3p) ms ($(echo "$sorted" | head -1)-$(echo "$sorted" | tail -1) ms) | $deltas of 5 by subnet4-add, $((5 - deltas)) by config-set |"
        else
            echo "| apply-mode $mode | failed | see log |"
        fi
    done
    echo
    echo "| edit-config + commit (one session, sequential) | round trips/s | mean per round trip |"
    echo "| --- | --- | --- |"
    jq '.Netconf."managed-servers".dhcp4."apply-mode" = "delta"' "$TMP/kea-netconf.json" > "$TMP/delta.json"
    cp "$TMP/delta.json" "$TMP/kea-netconf.json"
    kill -HUP "$NETCONF_PID"
    sleep 1
    if /usr/bin/python3 -c 'import ncclient' 2>/dev/null; then
        timeout 120 /usr/bin/python3 - "$PORT" "$TMP/client_key" <<'PY' || echo "| subnet 1 valid-lifetime, ~1,000 subnets | failed | see log |"
import sys, time
from ncclient import manager
port, key = int(sys.argv[1]), sys.argv[2]
ns = "urn:ietf:params:xml:ns:yang:kea-dhcp4-server"
with manager.connect(host="127.0.0.1", port=port, username="bench", key_filename=key,
                     hostkey_verify=False, allow_agent=False, look_for_keys=False, timeout=60) as m:
    done, t0 = 0, time.monotonic()
    while done < 50 and time.monotonic() - t0 < 60:
        edit = (f'<config><config xmlns="{ns}"><subnet4><id>1</id>'
                f'<valid-lifetime>{5000 + done}</valid-lifetime></subnet4></config></config>')
        m.edit_config(target="candidate", config=edit)
        m.commit()
        done += 1
    took = time.monotonic() - t0
print(f"| subnet 1 valid-lifetime, ~1,000 subnets | {done / took:.1f} | {1000 * took / done:.0f} ms ({done} round trips) |")
PY
    else
        echo "| subnet 1 valid-lifetime | skipped | no python3-ncclient |"
    fi
    echo
    echo "| get-config | wall time | returned |"
    echo "| --- | --- | --- |"
} | tee "$TMP/report.md"

# ------------------------------------------- get-config of a 10,000-subnet datastore over SSH
subnets_xml 1001 10000 > "$TMP/tenk.xml"
t0=$(now_ms)
"$SYSREPOCFG" -d running --edit="$TMP/tenk.xml" --datastore-dir "$DS" > "$TMP/edit.out" 2>&1 ||
    log "10,000-subnet load failed: $(head -c 300 "$TMP/edit.out")"
log "10,000 subnets committed in $(( $(now_ms) - t0 )) ms"
rpc() {
    printf '%s\n]]>]]>\n' '<?xml version="1.0"?><hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>'
    printf '%s\n]]>]]>\n' '<rpc message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><get-config><source><running/></source></get-config></rpc>'
    printf '%s\n]]>]]>\n' '<rpc message-id="2" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><close-session/></rpc>'
}
t0=$(now_ms)
rpc | timeout 300 ssh -p "$PORT" -i "$TMP/client_key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o BatchMode=yes bench@127.0.0.1 -s netconf > "$TMP/getconfig.out" 2> "$TMP/ssh.err" || true
t1=$(now_ms)
got=$(grep -o '<subnet4>' "$TMP/getconfig.out" | wc -l)
echo "| get-config (running, ~11,000 subnets) over SSH | $((t1 - t0)) ms | $got subnets, $(wc -c < "$TMP/getconfig.out") bytes |" | tee -a "$TMP/report.md"
[ "$got" -ge 10000 ] || log "get-config returned $got subnets: $(head -c 300 "$TMP/ssh.err")"
mkdir -p "$ROOT/bench/results"
cp "$TMP/report.md" "$ROOT/bench/results/netconf-$(date +%Y-%m-%d-%H%M%S).md"
