#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The data-plane frame on af_packet ports, in namespaces made here:
#
#   [pub] eth0 198.51.100.2 --veth-- gpubN  \   [gw] the DPDK program,
#              2001:db8:1::2                  >  taps tpubN 198.51.100.1
#   [priv] eth0 192.0.2.2 --veth-- gprivN   /        2001:db8:1::1
#               2001:db8:2::2                        tprivN 192.0.2.1
#                                                    2001:db8:2::1
#
# The gw-side veths carry no address, so only the data plane and the kernel
# behind its taps can answer.  Proves: (1) ping to the gateway's public
# address (ARP and ICMP through the slow path); (2) a UDP datagram to port
# 500 reaches a socket in the gateway's namespace; (3) ping pub -> priv is
# forwarded by the data plane, which resolves the next hop with ARP itself;
# (4) ping6 pub -> priv likewise, the next hop resolved with NDP; (5) a
# TTL that runs out at the gateway gets its sender a time exceeded; (6) a
# packet longer than the private port's MTU (1280) crosses in fragments
# without DF, (7) and with DF, or as IPv6, its sender hears the MTU.
#
# usage: dp_slowpath.sh PATH/TO/dp_frame_main.  Exit 77 (skip) if not root.
set -u

prog=${1:?usage: dp_slowpath.sh dp_frame_main}
if [[ $(id -u) -ne 0 ]]; then
	echo "SKIP: needs root for network namespaces"
	exit 77
fi
for tool in ip ping python3 ethtool; do
	if ! command -v "$tool" >/dev/null; then
		echo "SKIP: $tool is not installed (scripts/install-deps.sh)"
		exit 77
	fi
done

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=wait.sh
. "$here/wait.sh"

id=$$
GW=espgw-gw-$id
PUB=espgw-pub-$id
PRIV=espgw-priv-$id
work=$(mktemp -d)
pid=
udp_pid=

cleanup() {
	local i
	for p in $udp_pid $pid; do
		kill -TERM "$p" 2>/dev/null || continue
		for ((i = 0; i < 50; i++)); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
	done
	ip netns del "$GW" 2>/dev/null
	ip netns del "$PUB" 2>/dev/null
	ip netns del "$PRIV" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "FAIL: $*"
	# Stopped, the data plane prints its counters.
	[[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null && wait "$pid"
	pid=
	echo "--- data plane output:"
	cat "$work/dp.out" "$work/dp.err" 2>/dev/null
	exit 1
}

gw() { ip netns exec "$GW" "$@"; }

setup_net() {
	ip netns add "$GW" && ip netns add "$PUB" && ip netns add "$PRIV" ||
		return 1
	ip link add "gpub$id" netns "$GW" type veth peer name eth0 \
		netns "$PUB" || return 1
	ip link add "gpriv$id" netns "$GW" type veth peer name eth0 \
		netns "$PRIV" || return 1
	# The kernel in gw must neither forward nor answer on the veths
	# itself: it would mask what the data plane does.  rp_filter drops
	# what arrives there for the taps' addresses, arp_ignore=8 every ARP.
	gw sysctl -qw net.ipv4.ip_forward=0 || return 1
	for v in "gpub$id" "gpriv$id"; do
		gw sysctl -qw "net.ipv4.conf.$v.rp_filter=1" \
			"net.ipv4.conf.$v.arp_ignore=8" \
			"net.ipv6.conf.$v.disable_ipv6=1" || return 1
		gw ip link set "$v" up || return 1
	done
	gw ip link set lo up
	# A veth leaves UDP and TCP checksums to "hardware" that does not
	# exist; af_packet hands the data plane the half-done sum, and the
	# kernel behind the tap drops the datagram.  Real NICs deliver whole
	# checksums; here the hosts compute them.
	ip netns exec "$PUB" ethtool -K eth0 tx off >/dev/null || return 1
	ip netns exec "$PRIV" ethtool -K eth0 tx off >/dev/null || return 1
	ip -n "$PUB" link set lo up
	ip -n "$PUB" link set eth0 up
	ip -n "$PUB" addr add 198.51.100.2/24 dev eth0
	ip -n "$PUB" route add default via 198.51.100.1
	ip -n "$PUB" addr add 2001:db8:1::2/64 dev eth0 nodad
	ip -n "$PUB" -6 route add default via 2001:db8:1::1
	ip -n "$PRIV" link set lo up
	# The private link's MTU, as the data plane's port has it (6, 7).
	ip -n "$PRIV" link set eth0 mtu 1280
	ip -n "$PRIV" link set eth0 up
	ip -n "$PRIV" addr add 192.0.2.2/24 dev eth0
	ip -n "$PRIV" route add default via 192.0.2.1
	ip -n "$PRIV" addr add 2001:db8:2::2/64 dev eth0 nodad
	ip -n "$PRIV" -6 route add default via 2001:db8:2::1
}

write_config() {
	cat >"$work/gw.conf" <<CONF
dataplane = {
	ports = (
		{
			name = "pub";
			role = "public";
			device = "net_af_packet0,iface=gpub$id,qpairs=2";
			addresses = [ "198.51.100.1/24", "2001:db8:1::1/64" ];
			slow_path = "tpub$id";
		},
		{
			name = "priv";
			role = "private";
			device = "net_af_packet1,iface=gpriv$id,qpairs=2";
			addresses = [ "192.0.2.1/24", "2001:db8:2::1/64" ];
			slow_path = "tpriv$id";
			mtu = 1280;
		}
	);
	main_lcore = 0;
	workers = [ 1 ];
	# Tests share two cores: idle workers nap instead of spinning.
	idle_sleep_us = 50;
	rx_ring = 256;
	tx_ring = 256;
};
CONF
}

start_dataplane() {
	# One worker: two queue pairs per af_packet port (the worker's and
	# the main lcore's TX queue).
	# Not through gw(): a function run in the background is a subshell,
	# and $! would name it, not the program.
	ip netns exec "$GW" "$prog" -l 0,1 --no-pci --no-huge -m 256 --no-shconf \
		--log-level=error \
		--vdev "net_af_packet0,iface=gpub$id,qpairs=2" \
		--vdev "net_af_packet1,iface=gpriv$id,qpairs=2" \
		-- --config "$work/gw.conf" --seconds 90 \
		>"$work/dp.out" 2>"$work/dp.err" &
	pid=$!
	wait_for 300 grep -q ready "$work/dp.out" || return 1
	for t in "tpub$id" "tpriv$id"; do
		wait_for 50 gw ip link show "$t" || return 1
		gw ip link set "$t" up || return 1
	done
	gw ip addr add 198.51.100.1/24 dev "tpub$id" &&
		gw ip addr add 192.0.2.1/24 dev "tpriv$id" &&
		gw ip addr add 2001:db8:1::1/64 dev "tpub$id" nodad &&
		gw ip addr add 2001:db8:2::1/64 dev "tpriv$id" nodad
}

# (2) a socket in gw bound to the gateway's address and UDP port 500.
udp_server() {
	ip netns exec "$GW" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.51.100.1", 500))
open(sys.argv[1] + ".ready", "w").close()
s.settimeout(20)
data, peer = s.recvfrom(2048)
open(sys.argv[1], "w").write("%s %s\n" % (peer[0], data.decode()))
' "$work/udp" &
	udp_pid=$!
	wait_for 100 test -e "$work/udp.ready"
}

udp_send() {
	local i
	for ((i = 0; i < 20; i++)); do
		ip netns exec "$PUB" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"ike-probe", ("198.51.100.1", 500))'
		wait_for 5 test -s "$work/udp" && return 0
	done
	return 1
}

setup_net || fail "cannot build the namespaces"
write_config
start_dataplane || fail "the data plane did not come up"

out=$(ip netns exec "$PUB" ping -c 3 -i 0.2 -w 10 198.51.100.1 2>&1) ||
	fail "(1) ping to the gateway: $out"
if grep -q DUP <<<"$out"; then
	fail "(1) duplicate replies: the kernel answers on the veth too"
fi
echo "ok 1 - ping to the gateway through the slow path"

udp_server || fail "(2) the UDP server did not bind"
udp_send || fail "(2) nothing reached UDP 500 in the gateway"
read -r src data <"$work/udp"
[[ $src == 198.51.100.2 && $data == ike-probe ]] ||
	fail "(2) UDP 500 got '$data' from $src"
echo "ok 2 - UDP 500 reaches a socket in the gateway's namespace"

# The first echo request finds the next hop unresolved: the data plane
# holds it until the ARP reply (NA) comes, so not one is lost.  ping -w
# sends more when one is lost; its summary says so.
out=$(ip netns exec "$PUB" ping -c 3 -i 0.2 -w 10 192.0.2.2 2>&1) ||
	fail "(3) ping across the gateway: $out"
grep -q ' 0% packet loss' <<<"$out" || fail "(3) loss: $out"
echo "ok 3 - forwarding pub -> priv and back, no loss"

out=$(ip netns exec "$PUB" ping -6 -c 3 -i 0.2 -w 10 2001:db8:2::2 2>&1) ||
	fail "(4) ping6 across the gateway: $out"
grep -q ' 0% packet loss' <<<"$out" || fail "(4) loss: $out"
echo "ok 4 - IPv6 forwarding pub -> priv and back, next hops by NDP," \
	"no loss"

# (5) A packet whose TTL runs out at the gateway: its sender hears so
# (traceroute's answer), from the gateway's address on that side.
out=$(ip netns exec "$PUB" ping -t 1 -c 1 -W 2 192.0.2.2 2>&1)
grep -q "From 198.51.100.1 .*Time to live exceeded" <<<"$out" ||
	fail "(5) no time exceeded from the gateway: $out"
out=$(ip netns exec "$PUB" ping -6 -t 1 -c 1 -W 2 2001:db8:2::2 2>&1)
grep -qi "From 2001:db8:1::1 .*Time exceeded" <<<"$out" ||
	fail "(5) no ICMPv6 time exceeded from the gateway: $out"
echo "ok 5 - TTL and hop limit run out at the gateway: time exceeded," \
	"both families"

# (6) 1428-byte packets do not fit the private port (MTU 1280): without DF
# the data plane cuts them and host priv reassembles; the replies come
# back whole (1500 on pub).
out=$(ip netns exec "$PUB" ping -M dont -s 1400 -c 3 -i 0.2 -w 10 \
	192.0.2.2 2>&1) || fail "(6) 1428-byte ping without DF: $out"
grep -q ' 0% packet loss' <<<"$out" || fail "(6) loss: $out"
echo "ok 6 - without DF, packets longer than the port's MTU cross in" \
	"fragments"

# (7) With DF, and always with IPv6, the sender hears the MTU instead,
# from the gateway's address on its side.
out=$(ip netns exec "$PUB" ping -M do -s 1400 -c 1 -W 2 192.0.2.2 2>&1)
grep -q "From 198.51.100.1 .*Frag needed and DF set (mtu = 1280)" \
	<<<"$out" || fail "(7) no 'fragmentation needed' (1280): $out"
out=$(ip netns exec "$PUB" ping -6 -M do -s 1400 -c 1 -W 2 \
	2001:db8:2::2 2>&1)
grep -qi "From 2001:db8:1::1 .*Packet too big: mtu=1280" <<<"$out" ||
	fail "(7) no ICMPv6 'packet too big' (1280): $out"
echo "ok 7 - with DF or IPv6: 'fragmentation needed' / 'packet too big'" \
	"naming 1280"

kill -TERM "$pid"
wait "$pid"
rc=$?
((rc == 0)) || fail "the data plane exited with status $rc"
pid=

# What the counters say the data plane itself did.
count() { awk -v k="$1" '$1 == k { print $2 }' "$work/dp.out"; }
(($(count forwarded) >= 12)) ||
	fail "forwarded $(count forwarded), want >= 12"
# One ARP request and one NS at least, both counted as arp_requests.
(($(count arp_requests) >= 2)) ||
	fail "the data plane sent $(count arp_requests) ARP/NS, want >= 2"
(($(count to_kernel) >= 4)) || fail "to_kernel $(count to_kernel)"
# The first packets to priv waited for ARP and NDP; none was dropped.
(($(count neigh_held) >= 1)) || fail "neigh_held $(count neigh_held)"
[[ -z $(count drop.no-neighbour) ]] ||
	fail "drop.no-neighbour $(count drop.no-neighbour)"
(($(count from_kernel) >= 4)) || fail "from_kernel $(count from_kernel)"
(($(count icmp_ttl) == 2)) || fail "icmp_ttl $(count icmp_ttl), want 2"
(($(count fragmented) >= 3)) || fail "fragmented $(count fragmented)"
(($(count icmp_too_big) == 2)) ||
	fail "icmp_too_big $(count icmp_too_big), want 2"
echo "ok 8 - counters: forwarded $(count forwarded)," \
	"arp_requests $(count arp_requests), to_kernel $(count to_kernel)," \
	"neigh_held $(count neigh_held), fragmented $(count fragmented)"
echo "8 passed, 0 failed"
