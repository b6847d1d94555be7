#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# espgw-control answers IKE_SA_INIT on 127.0.0.1, on port 500 and on the
# NAT-T port with the non-ESP marker, and espgwctl shows the half-open
# peers.  Runs in a network namespace of its own (root only; exit 77, a
# skip, otherwise), so port 500 is free whatever else runs.
#
#   ike_loopback.sh ESPGW-CONTROL ESPGWCTL IKE_PROBE GW.CONF
set -eu

control=$1 ctl=$2 probe=$3 conf=$4
if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null; then
	echo "ike_loopback: needs root and unshare -n; skipped"
	exit 77
fi
[ -n "${IKE_LOOPBACK_INNER:-}" ] || exec env IKE_LOOPBACK_INNER=1 \
	unshare -n "$0" "$@"

ip link set lo up
dir=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

# The test gateway, moved to loopback with its own socket and channel.
sed -e 's|ike_addresses = \[ "192.0.2.1" \];|ike_addresses = [ "127.0.0.1" ];|' \
    -e 's|"192.0.2.1/24"|"127.0.0.1/8"|' \
    -e "s|^control = {|control = {\n\tctl_socket = \"$dir/ctl.sock\";|" \
    -e "s|replay_window = 128;|replay_window = 128;\n\tchannel = \"ike-lo-$$\";|" \
    "$conf" > "$dir/gw.conf"
"$control" -c "$dir/gw.conf" 2> "$dir/log" &
pid=$!
for i in $(seq 50); do
	[ -S "$dir/ctl.sock" ] && break
	sleep 0.1
done
[ -S "$dir/ctl.sock" ] || { cat "$dir/log"; echo "no control socket"; exit 1; }

"$probe" 127.0.0.1 500
"$probe" 127.0.0.1 4500 natt
"$ctl" -s "$dir/ctl.sock" show peers
n=$("$ctl" -s "$dir/ctl.sock" show peers | grep -c half-open || true)
[ "$n" = 2 ] || { cat "$dir/log"; echo "expected 2 half-open peers, saw $n"; exit 1; }
"$ctl" -s "$dir/ctl.sock" --json show ike | grep -q '"half_open": 2' || {
	echo "show ike --json disagrees"; exit 1; }
# The secret never reaches the log.
! grep -q 8vQe "$dir/log"
echo "ike_loopback: ok"
