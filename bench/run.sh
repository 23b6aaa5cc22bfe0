#!/usr/bin/env bash
# Side-by-side benchmark of our kea-dhcp4/kea-dhcp6 and Debian's Kea 2.2.0: same machine, same
# run, same load. Prints one markdown table (ours, Kea 2.2.0, ratio) and saves it with the machine
# description under bench/results/. See bench/README.md.
#
#   bench/run.sh               full run (8 s points, 100,000 renewals, 1,000,000-lease start-up)
#   bench/run.sh --quick       small run (3 s points, 20,000 renewals, 100,000-lease start-up)
#   bench/run.sh --self-test   Kea 2.2.0 (and ours) at 200/s for 2 s; exits 1 if Kea's side fails
# Options: --no-build (use the binaries already built), --only REGEX (run matching scenarios:
#   v4-perf v4-persist v4-mt v4-1000 v4-exhaust v4-loadgen v4-renew v4-startup v6-na v6-pd
#   v6-1000 v6-exhaust v6-loadgen v6-startup),
#   --keep (leave the temp dir with configs and logs).
#
# Needs root (network namespaces), perfdhcp and kea-dhcp4/kea-dhcp6 (Debian's kea packages).
# Only the processes this script started are ever stopped, by PID. Every load is bounded.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
NETNS_SH="$ROOT/tests/testbed/netns.sh"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OURS4="$TARGET/release/kea-dhcp4"
OURS6="$TARGET/release/kea-dhcp6"
LOADGEN=${LOADGEN:-$TARGET/release/kea-loadgen}
KEA4=/usr/sbin/kea-dhcp4
KEA6=/usr/sbin/kea-dhcp6

MODE=full BUILD=1 ONLY=. KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) MODE=quick ;;
    --self-test) MODE=self-test ;;
    --no-build) BUILD=0 ;;
    --only) ONLY=$2; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

case $MODE in
full)      DUR=8; FIXED=5000; LADDER="1000 2000 5000 8000 10000 15000 20000"; LG_LADDER="10000 20000 30000 40000"
           RENEW_N=100000; RENEW_RATE=5000; START_N=1000000 ;;
quick)     DUR=3; FIXED=2000; LADDER="2000 5000 10000"; LG_LADDER="10000 20000"
           RENEW_N=20000; RENEW_RATE=4000; START_N=100000 ;;
self-test) DUR=2; FIXED=200; LADDER=""; LG_LADDER=""; RENEW_N=0; RENEW_RATE=0; START_N=0; ONLY='^v4-perf$' ;;
esac
CLIENTS=50000          # simulated clients per run (fits the /16 pools below)
# Servers and generators run at this niceness (both sides alike) so that unrelated work on the
# machine (builds) disturbs the measurement less. NICE=0 to turn off.
NICE=${NICE:--10}
HZ=$(getconf CLK_TCK)

[ "$(id -u)" = 0 ] || { echo "run.sh needs root (ip netns)" >&2; exit 2; }
for c in perfdhcp ip "$KEA4" "$KEA6"; do
    command -v "$c" >/dev/null || { echo "missing $c (apt-get install kea-dhcp4-server kea-dhcp6-server kea-admin)" >&2; exit 2; }
done

if [ $BUILD = 1 ]; then
    (cd "$ROOT" && cargo build --release -p kea-dhcp4 -p kea-dhcp6 -p kea-loadgen) >&2
fi
[ -x "$LOADGEN" ] || { echo "no $LOADGEN: build it (cargo build --release -p kea-loadgen)" >&2; exit 2; }

NS="kb$$"
TMP=$(mktemp -d /tmp/kea-bench.XXXXXX)
PIDS=()

stop_pid() { # pid: TERM, bounded wait, then KILL; only PIDs this script started
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
    "$NETNS_SH" down "$NS" 2>/dev/null || true
    if [ $KEEP = 1 ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$NETNS_SH" up "$NS"
SRV="$NS-srv" CLI="$NS-cli"
log() { echo "[$(date +%T)] $*" >&2; }

# ---------------------------------------------------------------- measurement helpers
cpu_ticks() { # pid -> utime+stime in clock ticks (fields 14, 15 of /proc/PID/stat)
    local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
    s=${s##*) }; set -- $s; echo $(( ${12} + ${13} ))
}
sys_busy() { # all CPUs' busy ticks (user+nice+system+irq+softirq+steal)
    local _cpu u n s i w q sq st _rest; read -r _cpu u n s i w q sq st _rest < /proc/stat
    echo $(( u + n + s + q + sq + st ))
}
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
ctrl() { "$LOADGEN" ctrl --socket "$1" --command "$2" ${3:+--arguments "$3"} 2>/dev/null || true; }
stat_get() { # socket name -> integer value or empty
    ctrl "$1" statistic-get "{\"name\": \"$2\"}" | jq -r --arg n "$2" '.arguments[$n][0][0] // empty' 2>/dev/null || true
}

# --------------------------------------------------------------------- configurations
# cfg4 impl dir variant -> writes dir/cfg.json. Variants: relay, direct, startup.
# Env knobs: PERSIST (true/false), MT (0/2), SUBNETS (1/1000), POOL (pool range), LIFETIME;
# cfg6 also POOL6 (the IA_NA pool of subnet 1).
log_key() { [ "$1" = kea ] && echo output_options || echo output-options; }
mt_json() {
    if [ "${MT:-0}" -gt 0 ]; then
        echo "\"multi-threading\": {\"enable-multi-threading\": true, \"thread-pool-size\": $MT, \"packet-queue-size\": 64},"
    else
        echo "\"multi-threading\": {\"enable-multi-threading\": false},"
    fi
}
extra_subnets4() { # 999 /26 subnets in 198.19.0.0/16 nobody is relayed to (linear selection cost)
    local n=$(( ${SUBNETS:-1} - 1 )) i
    for ((i = 0; i < n; i++)); do
        printf ',{"id": %d, "subnet": "198.19.%d.%d/26", "pools": [{"pool": "198.19.%d.%d - 198.19.%d.%d"}]}' \
            $((i + 2)) $((i / 4)) $(( (i % 4) * 64 )) $((i / 4)) $(( (i % 4) * 64 + 1 )) $((i / 4)) $(( (i % 4) * 64 + 62 ))
    done
}
extra_subnets6() { # 999 /64 subnets in 2001:db8:1000::/36 bound to no interface (selection cost)
    local n=$(( ${SUBNETS:-1} - 1 )) i
    for ((i = 0; i < n; i++)); do
        printf ',{"id": %d, "subnet": "2001:db8:%x::/64", "pools": [{"pool": "2001:db8:%x::/80"}]}' \
            $((i + 2)) $((0x1000 + i)) $((0x1000 + i))
    done
}
cfg4() {
    local impl=$1 dir=$2 variant=$3 sock_type=udp sel ifaces='["srv0"]'
    local subnet=${SUBNET4:-198.18.0.0/16} pool=${POOL:-198.18.0.1 - 198.18.255.254}
    case $variant in
    relay)   sel='"relay": {"ip-addresses": ["192.0.2.2"]}' ;;
    direct)  sel='"interface": "srv0"'; sock_type=raw ;;
    startup) sel='"relay": {"ip-addresses": ["192.0.2.2"]}'; ifaces='[]' ;;
    esac
    cat > "$dir/cfg.json" <<EOF
{"Dhcp4": {
  "interfaces-config": {"interfaces": $ifaces, "dhcp-socket-type": "$sock_type"},
  "control-socket": {"socket-type": "unix", "socket-name": "$dir/ctrl.sock"},
  "lease-database": {"type": "memfile", "persist": ${PERSIST:-false}, "name": "$dir/leases4.csv", "lfc-interval": 0},
  $(mt_json)
  "valid-lifetime": ${LIFETIME:-4000}, "renew-timer": 1000, "rebind-timer": 2000,
  "subnet4": [{"id": 1, "subnet": "$subnet", $sel, "pools": [{"pool": "$pool"}]}$(extra_subnets4)],
  "loggers": [{"name": "kea-dhcp4", "severity": "WARN", "$(log_key "$impl")": [{"output": "$dir/server.log"}]}]
}}
EOF
}
cfg6() {
    local impl=$1 dir=$2 ifaces=${IFACES6:-}
    # The address form opens the unicast socket relayed traffic needs (Kea 2.2.0).
    [ -n "$ifaces" ] || ifaces='["srv0/2001:db8:1::1"]'
    cat > "$dir/cfg.json" <<EOF
{"Dhcp6": {
  "interfaces-config": {"interfaces": $ifaces},
  "server-id": {"type": "LLT", "persist": false},
  "control-socket": {"socket-type": "unix", "socket-name": "$dir/ctrl.sock"},
  "lease-database": {"type": "memfile", "persist": ${PERSIST:-false}, "name": "$dir/leases6.csv", "lfc-interval": 0},
  $(mt_json)
  "preferred-lifetime": $(( ${LIFETIME:-4000} / 2 )), "valid-lifetime": ${LIFETIME:-4000}, "renew-timer": 1000, "rebind-timer": 2000,
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "srv0",
               "pools": [{"pool": "${POOL6:-2001:db8:1:0:1::/80}"}],
               "pd-pools": [{"prefix": "2001:db8:8000::", "prefix-len": 33, "delegated-len": 64}]}$(extra_subnets6)],
  "loggers": [{"name": "kea-dhcp6", "severity": "WARN", "$(log_key "$impl")": [{"output": "$dir/server.log"}]}]
}}
EOF
}

# ------------------------------------------------------------------------ servers
# start_server impl family dir -> sets SERVER_PID, STARTUP_MS; returns 1 if it does not come up.
server_bin() { case "$1/$2" in ours/4) echo "$OURS4" ;; ours/6) echo "$OURS6" ;; kea/4) echo "$KEA4" ;; kea/6) echo "$KEA6" ;; esac; }
start_server() {
    local impl=$1 fam=$2 dir=$3 bin t0 i
    bin=$(server_bin "$impl" "$fam")
    SERVER_PID="" STARTUP_MS=""
    [ -x "$bin" ] || { echo "no binary $bin" > "$dir/why"; return 1; }
    t0=$(date +%s%N)
    # The KEA_*_DIR variables allow our (Kea 3.0-like) server its files in the temp dir.
    KEA_PIDFILE_DIR=$dir KEA_LOCKFILE_DIR=none KEA_LOG_FILE_DIR=$dir KEA_DHCP_DATA_DIR=$dir KEA_CONTROL_SOCKET_DIR=$dir ip netns exec "$SRV" nice -n "$NICE" "$bin" -c "$dir/cfg.json" \
        > "$dir/stdout.log" 2>&1 &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    for i in $(seq 1 1200); do # at most ~2 minutes (1,000,000-lease start-up)
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            local rc=0; wait "$SERVER_PID" 2>/dev/null || rc=$?
        echo "exited at start-up with status $rc: $(tail -c 300 "$dir/stdout.log" | tr '\n' ' ')" > "$dir/why"; SERVER_PID=""; return 1
        fi
        if [ "$(ctrl "$dir/ctrl.sock" status-get | jq -r '.result // empty' 2>/dev/null)" = 0 ]; then
            STARTUP_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
            return 0
        fi
        sleep 0.1
    done
    echo "no control-socket answer within 120 s" > "$dir/why"
    stop_server; return 1
}
stop_server() { [ -n "${SERVER_PID:-}" ] && stop_pid "$SERVER_PID"; SERVER_PID=""; }

# ------------------------------------------------------------------------ load runs
# measure_load dir family rate -- cmd...: runs cmd in the client namespace while sampling the
# server's and the generator's CPU over the middle half of the run. Sets CPU_US (server CPU µs
# per completed exchange), SRV_PCT, GEN_PCT, OTHER_PCT (CPU used by everything else: noise),
# and leaves the generator's output in dir/load.out.
measure_load() {
    local dir=$1 fam=$2 rate=$3; shift 4
    local ack=pkt4-ack-sent; [ "$fam" = 6 ] && ack=pkt6-reply-sent
    # No `timeout` wrapper: $! must be the generator itself (ip netns exec execs it) so its
    # CPU can be read; both generators stop by themselves, and the wait below is bounded.
    ip netns exec "$CLI" nice -n "$NICE" "$@" > "$dir/load.out" 2>&1 &
    local gen=$!
    PIDS+=("$gen")
    sleep "$(echo "$DUR / 4" | bc -l)"
    local s0 g0 b0 a0 t0 s1 g1 b1 a1 t1
    s0=$(cpu_ticks "$SERVER_PID"); g0=$(cpu_ticks "$gen"); b0=$(sys_busy); a0=$(stat_get "$dir/ctrl.sock" $ack); t0=$(date +%s%N)
    sleep "$(echo "$DUR / 2" | bc -l)"
    local gen_alive=1; kill -0 "$gen" 2>/dev/null || gen_alive=0
    s1=$(cpu_ticks "$SERVER_PID"); g1=$(cpu_ticks "$gen"); b1=$(sys_busy); a1=$(stat_get "$dir/ctrl.sock" $ack); t1=$(date +%s%N)
    # A starved shell can wake after the generator ended: its CPU is then unknown.
    if [ $gen_alive = 0 ] || [ "$g1" = 0 ]; then g1=$g0; GEN_OK=0; else GEN_OK=1; fi
    local i
    for ((i = 0; i < (DUR + 20) * 10; i++)); do kill -0 "$gen" 2>/dev/null || break; sleep 0.1; done
    stop_pid "$gen"
    local secs; secs=$(echo "($t1 - $t0) / 1000000000" | bc -l)
    local ds=$((s1 - s0)) dg=$((g1 - g0)) db=$((b1 - b0))
    SRV_PCT=$(echo "100 * $ds / $HZ / $secs" | bc -l)
    GEN_PCT=$(echo "100 * $dg / $HZ / $secs" | bc -l)
    [ $GEN_OK = 1 ] || GEN_PCT=-1
    OTHER_PCT=$(echo "o = 100 * ($db - $ds - $dg) / $HZ / $secs; if (o < 0) o = 0; o" | bc -l)
    [ $GEN_OK = 1 ] || OTHER_PCT=-1
    # Exchanges completed in the window: the server's own counter, else the offered rate.
    local n
    if [ -n "$a0" ] && [ -n "$a1" ] && [ $((a1 - a0)) -gt 0 ]; then n=$((a1 - a0))
    else n=$(echo "$rate * $secs" | bc -l); fi
    CPU_US=$(echo "1000000 * $ds / $HZ / $n" | bc -l)
}
perfdhcp_fields() { # file -> "rate drops_pct avg_ms max_ms"
    awk '
        /^Rate:/ { rate = $2 }
        /^sent packets:/ { if (!sent) sent = $3 }
        /^drops:/ { drops += $2 }
        /^avg delay: [0-9.]+ ms/ { avg += $3 }
        /^max delay: [0-9.]+ ms/ { if ($3 > max) max = $3 }
        END { printf "%s %s %s %s\n", rate + 0, (sent ? 100 * drops / sent : 100), (avg ? avg : "n/a"), (max ? max : "n/a") }
    ' "$1"
}
lg_field() { grep -o "$2=[^ ]*" "$1" | head -1 | cut -d= -f2; }

# ----------------------------------------------------------------------- results
ROWS="$TMP/rows"; : > "$ROWS"
NOTES="$TMP/notes"; : > "$NOTES"
declare -A VAL
record() { # key impl value
    VAL["$1/$2"]=$3
}
row() { # scenario metric key better(lower|higher)
    local o=${VAL["$3/ours"]:-n/a} k=${VAL["$3/kea"]:-n/a} ratio="n/a"
    if [[ $o =~ ^[0-9.]+$ && $k =~ ^[0-9.]+$ ]] && [ "$(echo "$k > 0" | bc)" = 1 ]; then
        ratio=$(printf '%.2f' "$(echo "$o / $k" | bc -l)")
    fi
    [[ $o =~ ^[0-9.]+$ ]] && o=$(printf '%.*f' "$(prec "$o")" "$o")
    [[ $k =~ ^[0-9.]+$ ]] && k=$(printf '%.*f' "$(prec "$k")" "$k")
    echo "| $1 | $2 | $o | $k | $ratio ($4 is better) |" >> "$ROWS"
}
prec() { if [ "$(echo "$1 >= 100" | bc)" = 1 ]; then echo 0; elif [ "$(echo "$1 >= 1" | bc)" = 1 ]; then echo 2; else echo 3; fi; }
point() { log "$*"; echo "$*" >> "$TMP/points.log"; }
note() { echo "- $*" >> "$NOTES"; log "$*"; }
wants() { echo "$1" | grep -Eq "$ONLY"; }
newdir() { local d; d="$TMP/$1"; rm -rf "$d"; mkdir -p "$d"; echo "$d"; }
unavailable() { # scenario impl dir
    note "$1: $2 not available ($(cat "$3/why" 2>/dev/null || echo 'did not come up'))"
}

# One perfdhcp point against one implementation: key prefix, impl, family, dir, rate, perfdhcp args.
perf_point() {
    local key=$1 impl=$2 fam=$3 dir=$4 rate=$5; shift 5
    measure_load "$dir" "$fam" "$rate" -- perfdhcp "$@" -g single -r "$rate" -R "$CLIENTS" -p "$DUR"
    local r d a m; read -r r d a m < <(perfdhcp_fields "$dir/load.out")
    record "$key.rate" "$impl" "$r"; record "$key.drops" "$impl" "$d"
    record "$key.avg" "$impl" "$a"; record "$key.max" "$impl" "$m"
    record "$key.cpu" "$impl" "$CPU_US"
    printf -v line '%s %s @%s/s: %.0f/s done, %.2f%% drops, avg %s ms, server %.0f%% CPU (%.1f µs/exchange), perfdhcp %.0f%%, other load %.0f%%' \
        "$key" "$impl" "$rate" "$r" "$d" "$a" "$SRV_PCT" "$CPU_US" "$GEN_PCT" "$OTHER_PCT"
    point "$line"
    if [ "$(echo "$GEN_PCT > 90" | bc)" = 1 ]; then note "$key $impl @$rate/s: perfdhcp used ${GEN_PCT%.*}% of a core: the load generator, not the server, is the limit"; fi
    LAST_DROPS=$d LAST_RATE=$r
}

# scenario name family cfg-variant perfdhcp-args...: fixed-rate point (+ ladder when LADDER_ON=1)
perf_scenario() {
    local name=$1 fam=$2 variant=$3; shift 3
    local impl dir
    for impl in ours kea; do
        dir=$(newdir "$name-$impl")
        if [ "$fam" = 4 ]; then cfg4 "$impl" "$dir" "$variant"; else cfg6 "$impl" "$dir"; fi
        if [ -n "${PREFILL:-}" ]; then
            if [ "$fam" = 4 ]; then "$LOADGEN" gen-leases4 --count "$PREFILL" --first 198.18.0.1 --out "$dir/leases4.csv"
            else "$LOADGEN" gen-leases6 --count "$PREFILL" --first 2001:db8:1:0:1:: --out "$dir/leases6.csv"; fi
        fi
        if ! start_server "$impl" "$fam" "$dir"; then unavailable "$name" "$impl" "$dir"; continue; fi
        perf_point "$name@$FIXED" "$impl" "$fam" "$dir" "$FIXED" "$@"
        local fixed_rate=$LAST_RATE fixed_drops=$LAST_DROPS
        if [ "${LADDER_ON:-0}" = 1 ]; then
            local best=0 clean=0 rate
            for rate in $LADDER; do
                local r d
                if [ "$rate" = "$FIXED" ]; then r=$fixed_rate d=$fixed_drops
                else perf_point "$name@$rate" "$impl" "$fam" "$dir" "$rate" "$@"; r=$LAST_RATE d=$LAST_DROPS; fi
                [ "$(echo "$r > $best" | bc)" = 1 ] && best=$r
                [ "$(echo "$d < 1" | bc)" = 1 ] && clean=$rate
                [ "$(echo "$d > 10" | bc)" = 1 ] && break
            done
            record "$name.peak" "$impl" "$best"; record "$name.clean" "$impl" "$clean"
        fi
        stop_server
    done
    row "$name" "completed/s at $FIXED/s offered" "$name@$FIXED.rate" higher
    row "$name" "drops % at $FIXED/s" "$name@$FIXED.drops" lower
    row "$name" "avg latency ms (sum of phases) at $FIXED/s" "$name@$FIXED.avg" lower
    row "$name" "max latency ms at $FIXED/s" "$name@$FIXED.max" lower
    row "$name" "server CPU µs per exchange at $FIXED/s" "$name@$FIXED.cpu" lower
    if [ "${LADDER_ON:-0}" = 1 ]; then
        row "$name" "peak completed/s (ladder $LADDER)" "$name.peak" higher
        row "$name" "highest clean rate (<1 % drops)" "$name.clean" higher
    fi
}

# ----------------------------------------------------------------------- scenarios
START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
P4=(-4 -l cli0 192.0.2.1)

HAS_LADDER=0; [ -n "$LADDER" ] && HAS_LADDER=1
wants v4-perf && LADDER_ON=$HAS_LADDER PERSIST=false perf_scenario v4-perf 4 relay "${P4[@]}"
[ $MODE = self-test ] && {
    k=${VAL["v4-perf@$FIXED.rate/kea"]:-0}
    cat "$ROWS"
    if [ "$(echo "$k >= $FIXED * 0.8" | bc)" = 1 ]; then echo "self-test: OK (Kea 2.2.0 completed $k/s)"; exit 0; fi
    echo "self-test: FAILED (Kea 2.2.0 completed ${k}/s of $FIXED/s)"; exit 1
}
wants v4-persist && PERSIST=true perf_scenario v4-persist 4 relay "${P4[@]}"
wants v4-mt && PERSIST=true MT=2 perf_scenario v4-mt 4 relay "${P4[@]}"
wants v4-1000 && PERSIST=false SUBNETS=1000 perf_scenario v4-1000subnets 4 relay "${P4[@]}"
# Pool near exhaustion: 65,534 addresses, 64,934 already leased (loaded from the lease file, so
# persist is on), 600 perfdhcp clients competing for the last 600.
wants v4-exhaust && PERSIST=true PREFILL=64934 CLIENTS=600 perf_scenario v4-exhaust 4 relay "${P4[@]}"

# Our load generator: relayed and direct (broadcast), fixed rate then beyond one perfdhcp.
# lg_scenario name family cfg-variant kea-loadgen-args...
lg_scenario() {
    local name=$1 fam=$2 variant=$3 impl dir rate best; shift 3
    for impl in ours kea; do
        dir=$(newdir "$name-$impl")
        if [ "$fam" = 4 ]; then cfg4 "$impl" "$dir" "$variant"; else cfg6 "$impl" "$dir"; fi
        if ! start_server "$impl" "$fam" "$dir"; then unavailable "$name" "$impl" "$dir"; continue; fi
        best=0
        for rate in $FIXED $LG_LADDER; do
            measure_load "$dir" "$fam" "$rate" -- "$LOADGEN" "$@" --rate "$rate" --clients "$CLIENTS" --duration "$DUR"
            local got drops p99 avg genb
            got=$(lg_field "$dir/load.out" completed_per_s); drops=$(lg_field "$dir/load.out" drop_pct)
            p99=$(lg_field "$dir/load.out" p99_ms); avg=$(lg_field "$dir/load.out" avg_ms); genb=$(lg_field "$dir/load.out" gen_bound)
            [ -n "$got" ] || { note "$name $impl @$rate: kea-loadgen failed: $(head -c 200 "$dir/load.out")"; break; }
            printf -v line '%s %s @%s/s: %.0f/s done, %s%% drops, avg %s ms, p99 %s ms, server %.0f%% CPU (%.1f µs), kea-loadgen %.0f%%, other %.0f%%' \
                "$name" "$impl" "$rate" "$got" "$drops" "$avg" "$p99" "$SRV_PCT" "$CPU_US" "$GEN_PCT" "$OTHER_PCT"
            point "$line"
            [ "$genb" = 1 ] && note "$name $impl @$rate/s: kea-loadgen could not keep the offered rate (generator-bound)"
            if [ "$rate" = "$FIXED" ]; then
                record "$name.rate" "$impl" "$got"; record "$name.drops" "$impl" "$drops"
                record "$name.avg" "$impl" "$avg"; record "$name.p99" "$impl" "$p99"; record "$name.cpu" "$impl" "$CPU_US"
            fi
            [ "$(echo "$got > $best" | bc)" = 1 ] && best=$got
            [ "$(echo "$drops > 10" | bc)" = 1 ] && break
        done
        record "$name.peak" "$impl" "$best"
        stop_server
    done
    row "$name" "completed/s at $FIXED/s offered" "$name.rate" higher
    row "$name" "drops % at $FIXED/s" "$name.drops" lower
    row "$name" "avg latency ms at $FIXED/s" "$name.avg" lower
    row "$name" "p99 latency ms at $FIXED/s" "$name.p99" lower
    row "$name" "server CPU µs per exchange at $FIXED/s" "$name.cpu" lower
    row "$name" "peak completed/s (kea-loadgen, up to ${LG_LADDER##* }/s)" "$name.peak" higher
}
wants v4-loadgen && { PERSIST=false lg_scenario v4-loadgen-relay 4 relay v4 --mode relay
                      PERSIST=false lg_scenario v4-loadgen-direct 4 direct v4 --mode direct; }

# Renewals of RENEW_N existing leases (generated lease file, each renewed once).
if wants v4-renew; then
    for impl in ours kea; do
        dir=$(newdir "v4-renew-$impl")
        SUBNET4=198.18.0.0/15 POOL="198.18.0.1 - 198.19.255.254" PERSIST=true LIFETIME=86400 cfg4 "$impl" "$dir" relay
        "$LOADGEN" gen-leases4 --count "$RENEW_N" --first 198.18.0.1 --out "$dir/leases4.csv"
        if ! start_server "$impl" 4 "$dir"; then unavailable v4-renew "$impl" "$dir"; continue; fi
        DUR=$((RENEW_N / RENEW_RATE)) measure_load "$dir" 4 "$RENEW_RATE" -- "$LOADGEN" v4 --exchange renew \
            --rate "$RENEW_RATE" --clients "$RENEW_N" --duration $((RENEW_N / RENEW_RATE))
        record v4-renew.rate "$impl" "$(lg_field "$dir/load.out" completed_per_s)"
        record v4-renew.drops "$impl" "$(lg_field "$dir/load.out" drop_pct)"
        record v4-renew.p99 "$impl" "$(lg_field "$dir/load.out" p99_ms)"
        record v4-renew.cpu "$impl" "$CPU_US"
        point "v4-renew $impl: $(cat "$dir/load.out"); server ${SRV_PCT%.*}% CPU, other ${OTHER_PCT%.*}%"
        stop_server
    done
    row "v4-renew $RENEW_N leases" "renewals/s at $RENEW_RATE/s offered" v4-renew.rate higher
    row "v4-renew $RENEW_N leases" "drops %" v4-renew.drops lower
    row "v4-renew $RENEW_N leases" "p99 latency ms" v4-renew.p99 lower
    row "v4-renew $RENEW_N leases" "server CPU µs per renewal" v4-renew.cpu lower
fi

# Start-up with START_N leases in the file; resident memory per lease. No interfaces are
# opened in these tests (the v4 leases' range, 100.64.0.0/10, is never sent any traffic).
# startup_scenario family
startup_scenario() {
    local fam=$1 name="v$1-startup" impl dir0 dir d rss0 rss1 n stat
    for impl in ours kea; do
        dir0=$(newdir "$name-empty-$impl"); dir=$(newdir "$name-$impl")
        for d in "$dir0" "$dir"; do
            if [ "$fam" = 4 ]; then
                SUBNET4=100.64.0.0/10 POOL="100.64.0.1 - 100.127.255.254" PERSIST=true LIFETIME=86400 cfg4 "$impl" "$d" startup
            else
                IFACES6='[]' PERSIST=true LIFETIME=86400 cfg6 "$impl" "$d"
            fi
        done
        if [ "$fam" = 4 ]; then
            "$LOADGEN" gen-leases4 --count "$START_N" --first 100.64.0.1 --out "$dir/leases4.csv"
            stat="subnet[1].assigned-addresses"
        else
            "$LOADGEN" gen-leases6 --count "$START_N" --first 2001:db8:1:0:1:: --out "$dir/leases6.csv"
            stat="subnet[1].assigned-nas"
        fi
        if ! start_server "$impl" "$fam" "$dir0"; then unavailable "$name" "$impl" "$dir0"; continue; fi
        sleep 0.5; rss0=$(rss_kib "$SERVER_PID"); stop_server
        if ! start_server "$impl" "$fam" "$dir"; then unavailable "$name" "$impl" "$dir"; continue; fi
        sleep 0.5; rss1=$(rss_kib "$SERVER_PID")
        n=$(stat_get "$dir/ctrl.sock" "$stat")
        [ "$n" = "$START_N" ] || note "$name $impl: server reports ${n:-no} $stat, expected $START_N"
        record "$name.ms" "$impl" "$STARTUP_MS"
        record "$name.rss" "$impl" "$(echo "$rss1 / 1024" | bc -l)"
        record "$name.per" "$impl" "$(echo "($rss1 - $rss0) * 1024 / $START_N" | bc -l)"
        point "$name $impl: ${STARTUP_MS} ms, RSS ${rss0} KiB empty, ${rss1} KiB with $START_N leases"
        stop_server
    done
    row "$name $START_N leases" "start-up to first control answer, ms" "$name.ms" lower
    row "$name $START_N leases" "resident memory MiB" "$name.rss" lower
    row "$name $START_N leases" "resident bytes per lease" "$name.per" lower
}
wants v4-startup && startup_scenario 4

P6=(-6 -l cli0)
wants v6-na && { LADDER_ON=$HAS_LADDER PERSIST=false perf_scenario v6-na 6 - "${P6[@]}" -e address-only
                 PERSIST=true perf_scenario v6-na-persist 6 - "${P6[@]}" -e address-only
                 PERSIST=true MT=2 perf_scenario v6-na-mt 6 - "${P6[@]}" -e address-only; }
wants v6-pd && PERSIST=false perf_scenario v6-pd 6 - "${P6[@]}" -e prefix-only
wants v6-1000 && PERSIST=false SUBNETS=1000 perf_scenario v6-1000subnets 6 - "${P6[@]}" -e address-only
# Pool near exhaustion, as v4-exhaust: a /112 pool of 65,536 addresses, 64,934 already leased.
wants v6-exhaust && PERSIST=true PREFILL=64934 CLIENTS=600 POOL6=2001:db8:1:0:1::/112 \
    perf_scenario v6-exhaust 6 - "${P6[@]}" -e address-only
wants v6-startup && startup_scenario 6
wants v6-loadgen && { PERSIST=false lg_scenario v6-loadgen-na-direct 6 - v6 --mode direct --ia na
                      PERSIST=false lg_scenario v6-loadgen-na-relay 6 - v6 --mode relay --ia na
                      PERSIST=false lg_scenario v6-loadgen-pd-relay 6 - v6 --mode relay --ia pd; }

# ------------------------------------------------------------------------- report
END_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$ROOT/bench/results"
out="$ROOT/bench/results/$(date +%Y-%m-%d-%H%M%S)-$MODE.md"
{
    echo "# Benchmark $(date -u '+%Y-%m-%d %H:%M UTC') ($MODE)"
    echo
    echo "Ours: commit $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && git diff --quiet 2>/dev/null || echo ' + uncommitted changes'); Kea: $($KEA4 -v) (Debian)."
    echo "Load: perfdhcp $(perfdhcp -v 2>&1 | head -1) with -g single, $CLIENTS clients, $DUR s per point; and kea-loadgen."
    echo "Ratio = ours / Kea. Latency from perfdhcp is the sum of the two phases' averages; p99 only from kea-loadgen."
    echo
    echo "| scenario | metric | ours | Kea 2.2.0 | ours/Kea |"
    echo "| --- | --- | --- | --- | --- |"
    cat "$ROWS"
    echo
    echo "## Notes"
    echo "- load average before: $START_LOAD, after: $END_LOAD (other helpers' builds make the numbers noisy)"
    cat "$NOTES"
    echo
    echo "## Points"
    echo '```'
    cat "$TMP/points.log" 2>/dev/null || true
    echo '```'
    echo
    echo "## Machine"
    echo '```'
    grep -m1 'model name' /proc/cpuinfo
    echo "cpu MHz: $(grep -m1 'cpu MHz' /proc/cpuinfo | cut -d: -f2)"
    echo "nproc: $(nproc)"
    free -m
    uname -srm
    echo '```'
} > "$out"
cat "$out"
log "saved $out"
