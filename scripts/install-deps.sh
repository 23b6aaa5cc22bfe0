#!/usr/bin/env bash
# Installs what building and testing the project needs on Debian 12, once.
# Idempotent: packages already present are not fetched again.
set -euo pipefail

packages=(
    cmake libpcre2-dev pkg-config   # yang2's bundled libyang build
    kea-admin                       # perfdhcp, the DHCP load generator used by tests and bench
    kea-dhcp4-server kea-dhcp6-server  # Kea 2.2.0, the oracle for differential tests and bench
    python3-ncclient                # NETCONF client for black-box tests
    isc-dhcp-client udhcpc          # real DHCP clients
    iproute2 socat curl openssl jq procps
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    # Packaged daemons (Kea 2.2.0) must not start by themselves: the tests
    # start their own instances with their own configs.
    added_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
        $SUDO chmod +x /usr/sbin/policy-rc.d
        added_policy=1
    fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
    [ -z "$added_policy" ] || $SUDO rm -f /usr/sbin/policy-rc.d
fi

# Optional NETCONF clients for interoperability tests; a test whose client
# is missing is skipped with a message, so failing to fetch one only warns.
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
optional=(
    yangcli                         # yuma123's NETCONF CLI (Debian 12)
    python3-venv                    # for netconf-console2 below
)
missing_optional=()
for p in "${optional[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing_optional+=("$p")
done
if [ ${#missing_optional[@]} -gt 0 ]; then
    echo "install-deps: installing optional ${missing_optional[*]}"
    # Bounded: without a network these would retry for minutes.
    { $SUDO timeout 120 apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive $SUDO timeout 180 apt-get install -y -qq --no-install-recommends "${missing_optional[@]}"; } ||
        echo "install-deps: WARNING: could not install ${missing_optional[*]}; the tests that use them are skipped" >&2
fi

# netconf-console2 (PyPI) in its own virtualenv, on Debian's python3.
NC2_VENV=/opt/netconf-console2
if [ ! -x "$NC2_VENV/bin/netconf-console2" ]; then
    echo "install-deps: installing netconf-console2 in $NC2_VENV"
    { $SUDO /usr/bin/python3 -m venv "$NC2_VENV" &&
      $SUDO timeout 180 "$NC2_VENV/bin/pip" install -q --retries 2 --timeout 30 netconf-console2 six; } ||
        echo "install-deps: WARNING: could not install netconf-console2; the tests that use it are skipped" >&2
fi

command -v cargo >/dev/null || { echo "install-deps: cargo (Rust toolchain) is required" >&2; exit 1; }
