#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The strongSwan harness checked without espgw: the road warrior that the
# end-to-end tests use (swan/swan.sh, swan/roadwarrior.conf.template) is
# run against a second charon acting as the gateway
# (swan/responder.conf.template), both with kernel-libipsec, in the
# namespaces of netns.sh with a kernel gateway.  Proves, directly and then
# through the nftables NAT router:
#   1. the road warrior sends IKE_SA_INIT to the gateway's UDP 500
#      (a bare UDP listener in the gateway's namespace sees it);
#   2. it gets a CHILD_SA, a virtual IP from the pool and the DNS server
#      (in the resolve plugin's file);
#   3. ping -I VIP reaches the office host through the tunnel with no loss,
#      and the CHILD_SA's packet counters on both charons moved, while a
#      plaintext ping to the office is dropped on the wire;
#   4. CHILD and IKE rekeys (new SPIs, polled with a bound) while a ping
#      runs, none lost;
#   5. terminate: no SA left on either side.
# Exit 77 (skip) when not root or strongSwan is not installed.
set -u
# shellcheck source-path=SCRIPTDIR
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=netns.sh
. "$here/netns.sh"
# shellcheck source=swan/swan.sh
. "$here/swan/swan.sh"

netns_require swanctl unshare python3
swan_have || { echo "SKIP: strongSwan is not installed"; exit 77; }
netns_workdir || exit 1

PSK=$(head -c 18 /dev/urandom | base64)
RW_ID=rw1.espgw.test
GW_ID=gw.espgw.test
RW=$NETNS_WORK/rw
GW=$NETNS_WORK/gw
passed=0

fail() {
	echo "FAIL: $*"
	echo "--- road warrior's log:"
	swan_log_tail "$RW" 40
	echo "--- gateway's log:"
	swan_log_tail "$GW" 25
	exit 1
}

ok() {
	passed=$((passed + 1))
	echo "ok $passed - $*"
}

# (1) Before any gateway runs: what arrives on UDP 500 is IKE_SA_INIT.
# IKE header (RFC 7296 section 3.1): responder SPI zero, next payload SA
# (33), version 2.0, exchange 34, flags Initiator, message ID 0.
check_sa_init() {
	local sender
	nsx "$NS_GW" python3 -c '
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 500))
open(sys.argv[2] + ".ready", "w").close()
s.settimeout(15)
data, peer = s.recvfrom(65535)
ispi, rspi, np, ver, xchg, flags, mid, length = \
	struct.unpack("!8s8sBBBBII", data[:28])
ok = (rspi == bytes(8) and ispi != bytes(8) and np == 33 and
      ver == 0x20 and xchg == 34 and flags == 0x08 and mid == 0 and
      length == len(data))
print(peer[0], peer[1], "IKE_SA_INIT" if ok else "other")
' "$GW_PUB" "$NETNS_WORK/udp" >"$NETNS_WORK/udp.out" 2>&1 &
	local lpid=$!
	netns_track "$lpid"
	netns_wait_for 100 test -e "$NETNS_WORK/udp.ready" ||
		fail "the UDP listener did not start"
	# No answer comes: initiate gives up (bounded) and that is expected.
	swan_initiate "$RW" office 3
	wait "$lpid"
	read -r sender port what <"$NETNS_WORK/udp.out"
	[[ $what == IKE_SA_INIT && $port == 500 ]] ||
		fail "UDP 500 got: $(cat "$NETNS_WORK/udp.out")"
	SEEN_FROM=$sender
	swan_ctl "$RW" --terminate --ike rw --force >/dev/null 2>&1
	netns_wait_for 100 swan_no_sas "$RW" ||
		fail "the half-open IKE SA did not go"
}

ping_office() {
	nsx "$NS_RW" ping -n -I "$1" -c 5 -i 0.2 -W 2 -w 10 "$OFFICE_HOST" \
		>"$NETNS_WORK/ping.out" 2>&1 &&
		grep -q ' 0% packet loss' "$NETNS_WORK/ping.out"
}

connect_and_check() {
	local vip before
	swan_initiate "$RW" office 20 ||
		fail "initiate: $(cat "$RW/initiate.out")"
	swan_wait_child "$RW" office 10 || fail "no INSTALLED CHILD_SA"
	vip=$(swan_vip "$RW")
	[[ $vip =~ ^172\.16\.1\.(1[0-9][0-9]|200)$ ]] ||
		fail "virtual IP '$vip' is not from the pool"
	netns_wait_for 50 grep -q "^nameserver $OFFICE_DNS" "$RW/resolv.conf" ||
		fail "DNS not written: $(cat "$RW/resolv.conf")"
	ok "$1: CHILD_SA up, virtual IP $vip, DNS $OFFICE_DNS"
	VIP=$vip

	ping_office "$vip" || fail "ping -I $vip: $(cat "$NETNS_WORK/ping.out")"
	(($(swan_child_packets "$RW" office out) >= 5 &&
		$(swan_child_packets "$RW" office in) >= 5)) ||
		fail "the road warrior's CHILD_SA counted no pings"
	(($(swan_child_packets "$GW" office in) >= 5)) ||
		fail "the gateway's CHILD_SA counted no pings"
	# Bound to eth0, ping bypasses the tunnel's routes (table 220): it
	# goes in clear, and the wire filter must drop it.
	before=$(netns_wire_drops "$NS_RW")
	if nsx "$NS_RW" ping -n -I eth0 -c 1 -W 1 "$OFFICE_HOST" \
		>/dev/null 2>&1; then
		fail "a plaintext ping reached the office"
	fi
	(($(netns_wire_drops "$NS_RW") > before)) ||
		fail "the wire filter did not see the plaintext ping"
	ok "$1: 5 pings through the tunnel, none lost; plaintext dropped"
}

# As e2e_roadwarrior.sh does: the rekeys happen while 80 pings run, and
# none may be lost (make-before-break on both strongSwan ends).
rekey_and_check() {
	nsx "$NS_RW" ping -n -I "$VIP" -c 80 -i 0.1 -W 2 -w 30 \
		"$OFFICE_HOST" >"$NETNS_WORK/ping-rekey.out" 2>&1 &
	local ppid=$!
	netns_track "$ppid"
	sleep 1
	swan_rekey_child "$RW" office 10 || fail "CHILD_SA rekey: $SWAN_WHY"
	swan_rekey_ike "$RW" rw 10 || fail "IKE SA rekey: $SWAN_WHY"
	swan_wait_child "$RW" office 5 || fail "CHILD_SA lost in IKE rekey"
	# shellcheck disable=SC2015 # either failing is a failure
	wait "$ppid" && grep -q ' 0% packet loss' "$NETNS_WORK/ping-rekey.out" ||
		fail "pings lost: $(tail -n 2 "$NETNS_WORK/ping-rekey.out")"
	ok "$1: CHILD and IKE rekeys under 80 pings, none lost"
}

disconnect_and_check() {
	swan_terminate "$RW" rw 10 || fail "terminate: SAs left on the client"
	netns_wait_for 100 swan_no_sas "$GW" ||
		fail "SAs left on the gateway: $(swan_list_sas "$GW")"
	ok "$1: disconnected, no SA on either side"
}

run_topology() { # direct|nat
	# Behind the NAT router, the gateway sees its outside address,
	# which is the road warrior's own address in the direct topology.
	local name=$1 from=$RW_PUB
	# shellcheck disable=SC2086 # no second argument for direct
	netns_setup kernel ${name/direct/} || fail "$name: namespaces"
	mkdir -p "$RW" "$GW"
	swan_render "$here/swan/roadwarrior.conf.template" "$RW/swanctl.conf" \
		MOBIKE=no \
		GW_ADDR="$GW_PUB" RW_ID="$RW_ID" GW_ID="$GW_ID" \
		OFFICE_NET="$OFFICE_NET" ESP_PROPOSALS=aes256-sha256-modp2048 \
		PSK="$PSK" || fail "render the client's config"
	swan_render "$here/swan/responder.conf.template" "$GW/swanctl.conf" \
		GW_ADDR="$GW_PUB" GW_ID="$GW_ID" RW_ID="$RW_ID" \
		OFFICE_NET="$OFFICE_NET" POOL=172.16.1.100-172.16.1.200 \
		DNS="$OFFICE_DNS" SITE_ID=site.espgw.test \
		SITE_NET=10.30.0.0/24 PSK="$PSK" ||
		fail "render the gateway's config"
	swan_start "$RW" "$NS_RW" || fail "$name: client charon"
	swan_load "$RW" "$RW/swanctl.conf" || fail "load the client's config"

	check_sa_init
	[[ $SEEN_FROM == "$from" ]] ||
		fail "IKE_SA_INIT came from $SEEN_FROM, want $from"
	ok "$name: IKE_SA_INIT to $GW_PUB:500 from $SEEN_FROM"

	swan_start "$GW" "$NS_GW" || fail "$name: gateway charon"
	swan_load "$GW" "$GW/swanctl.conf" || fail "load the gateway's config"
	connect_and_check "$name"
	rekey_and_check "$name"
	disconnect_and_check "$name"
}

start=$SECONDS
run_topology direct
# The second topology in fresh namespaces and instances.
netns_cleanup
NETNS_ID=${$}n
. "$here/netns.sh"
netns_workdir || exit 1
RW=$NETNS_WORK/rw
GW=$NETNS_WORK/gw
run_topology nat
echo "$passed passed, 0 failed ($((SECONDS - start)) s)"
