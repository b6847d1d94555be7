#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# End to end: a strongSwan road warrior (kernel-libipsec) connects to espgw
# (espgw-dataplane on af_packet veths + espgw-control) with a pre-shared
# key, in the namespaces of netns.sh, directly and then through an
# nftables NAT router.  For each topology:
#   1. espgw comes up with e2e_roadwarrior.conf.template filled in, and
#      answers ping on its public address (slow path);
#   2. IKE_SA_INIT and IKE_AUTH complete: a CHILD_SA, a virtual IP from
#      pool-vpn (172.16.1.100-200) and DNS 10.10.0.53 in the client's
#      resolve file;
#   3. ping -I VIP reaches the office host 10.10.0.2 through espgw, no
#      loss, counted by the client's CHILD_SA; plaintext to the office is
#      dropped on the road warrior's wire, so only the tunnel can pass;
#   4. espgwctl show peers and show sa name the peer and the SPIs;
#   5. a CHILD_SA rekey and an IKE SA rekey started by the client while a
#      ping runs: no ping lost;
#   6. disconnect: no SA left in strongSwan, nor in espgwctl's views.
#
# usage: e2e_roadwarrior.sh [BUILD_DIR] [direct|nat]   (default build, both)
# Exit 77 (skip) only when not root or strongSwan is missing; a missing
# tool or any failing step is a FAIL, named.
set -u
# shellcheck source-path=SCRIPTDIR
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-${ESPGW_BUILD:-$here/../../build}}
only=${2:-}
# shellcheck source=netns.sh
. "$here/netns.sh"
# shellcheck source=swan/swan.sh
. "$here/swan/swan.sh"

# Skip (77) only without root or strongSwan; anything else missing is a
# broken test machine, a failure.
if [[ $(id -u) -ne 0 ]]; then
	echo "SKIP: needs root for network namespaces"
	exit 77
fi
for t in ip ping ethtool nft unshare timeout; do
	if ! command -v "$t" >/dev/null; then
		echo "FAIL [setup]: no $t (scripts/install-deps.sh installs it)"
		exit 1
	fi
done
swan_have || { echo "SKIP: strongSwan is not installed"; exit 77; }

RW_ID=rw1.espgw.test
GW_ID=gw.espgw.test
# Letters, digits and a symbol whatever the random part holds: espgw
# refuses weak keys.
PSK="e2e-K$(head -c 18 /dev/urandom | base64)"
passed=0
step=setup

fail() {
	echo "FAIL [$step]: $*"
	if [[ -n ${NETNS_WORK:-} ]]; then
		echo "--- road warrior (strongSwan) log, without vici:"
		grep -v '\[CFG\] vici' "$NETNS_WORK/rw/charon.log" 2>/dev/null |
			tail -n 30
		echo "--- espgw-control's IKE counters:"
		espgw_ctl show ike 2>&1 | grep -v ' 0$'
		echo "--- espgw-control log:"
		tail -n 30 "$NETNS_WORK/control.log" 2>/dev/null
		if [[ -s $NETNS_WORK/tap-ike.txt ]]; then
			echo "--- IKE on the gateway's tap $TAP_PUB:"
			tail -n 12 "$NETNS_WORK/tap-ike.txt"
		fi
		# Stopped, the data plane prints its counters (drops by
		# reason) at the end of its log.
		espgw_stop >/dev/null 2>&1
		echo "--- espgw-dataplane log:"
		grep -v '^ *[a-z_.-]* 0$' "$NETNS_WORK/dataplane.log" \
			2>/dev/null | tail -n 40
	fi
	exit 1
}

ok() {
	passed=$((passed + 1))
	echo "ok $passed - $*"
}

# How many IKE datagrams the data plane handed to the kernel of the
# gateway (its tap), when tcpdump watched.
ike_at_tap() {
	[[ -e $NETNS_WORK/tap-ike.txt ]] || return 0
	echo "; $(grep -c 'UDP\|isakmp' "$NETNS_WORK/tap-ike.txt") IKE" \
		"datagrams reached the gateway's tap $TAP_PUB"
}

ping_office() { # VIP COUNT
	nsx "$NS_RW" ping -n -I "$1" -c "$2" -i 0.1 -W 2 -w $(($2 / 5 + 10)) \
		"$OFFICE_HOST" >"$NETNS_WORK/ping.out" 2>&1 &&
		grep -q ' 0% packet loss' "$NETNS_WORK/ping.out"
}

# espgwctl's view: every word given must appear in COMMAND's output.
espgw_shows() { # "show peers" WORD...
	local out
	# shellcheck disable=SC2086 # "show peers": two words
	out=$(espgw_ctl $1 2>&1) || return 1
	shift
	local w
	for w in "$@"; do
		grep -qi -- "$w" <<<"$out" || return 1
	done
}

espgw_forgot() { # "show peers" WORD...: none of the words appears
	local out
	# shellcheck disable=SC2086 # "show peers": two words
	out=$(espgw_ctl $1 2>&1) || return 1
	shift
	local w
	for w in "$@"; do
		grep -qi -- "$w" <<<"$out" && return 1
	done
	return 0
}

bring_up() {
	local name=$1 rw=$NETNS_WORK/rw
	step="$name: namespaces"
	# shellcheck disable=SC2086 # no second argument for direct
	netns_setup dpdk ${name/direct/} || fail "cannot build them"
	step="$name: espgw configuration"
	# shellcheck disable=SC2046
	swan_render "$here/e2e_roadwarrior.conf.template" \
		"$NETNS_WORK/espgw.conf" $(espgw_conf_values) \
		GW_ID="$GW_ID" RW_ID="$RW_ID" PSK="$PSK" || fail "render"
	"$ESPGW_CONTROL" --check --config "$NETNS_WORK/espgw.conf" \
		>"$NETNS_WORK/check.out" 2>&1 ||
		fail "espgw-control --check: $(cat "$NETNS_WORK/check.out")"
	step="$name: espgw start"
	espgw_start "$NETNS_WORK/espgw.conf" || fail "see the logs"
	nsx "$NS_RW" ping -n -c 3 -i 0.2 -w 10 "$GW_PUB" >/dev/null 2>&1 ||
		fail "the road warrior cannot ping $GW_PUB"
	# The office host pings its gateway too, so espgw-dataplane knows
	# its MAC: it drops, rather than queues, what it would send to a
	# neighbour it is still resolving (drop.no-neighbour), and the
	# tunnel test below allows no loss.
	nsx "$NS_OFFICE" ping -n -c 3 -i 0.2 -w 10 "$GW_PRIV" >/dev/null 2>&1 ||
		fail "the office host cannot ping $GW_PRIV"
	ok "$name: espgw up, both its addresses answer ping"

	step="$name: strongSwan start"
	mkdir -p "$rw"
	swan_render "$here/swan/roadwarrior.conf.template" "$rw/swanctl.conf" \
		GW_ADDR="$GW_PUB" RW_ID="$RW_ID" GW_ID="$GW_ID" \
		OFFICE_NET="$OFFICE_NET" ESP_PROPOSALS=aes256-sha256-modp2048 \
		PSK="$PSK" || fail "render the client's config"
	swan_start "$rw" "$NS_RW" || fail "charon did not start"
	swan_load "$rw" "$rw/swanctl.conf" || fail "swanctl --load-all"
}

connect() {
	local name=$1 rw=$NETNS_WORK/rw
	step="$name: IKE_SA_INIT + IKE_AUTH"
	# A witness for the diagnosis: what reaches espgw-control's kernel.
	if command -v tcpdump >/dev/null; then
		ip netns exec "$NS_GW" tcpdump -l -n -i "$TAP_PUB" \
			'udp port 500 or udp port 4500' \
			>"$NETNS_WORK/tap-ike.txt" 2>"$NETNS_WORK/tcpdump.err" &
		TCPDUMP_PID=$!
		netns_track "$TCPDUMP_PID"
		netns_wait_for 50 grep -q 'listening on' \
			"$NETNS_WORK/tcpdump.err"
	fi
	swan_initiate "$rw" office 25 ||
		fail "$(swan_ike_diagnosis "$rw" espgw)$(ike_at_tap)"
	swan_wait_child "$rw" office 10 || fail "no INSTALLED CHILD_SA"
	VIP=$(swan_vip "$rw")
	step="$name: configuration payload"
	[[ $VIP =~ ^172\.16\.1\.(1[0-9][0-9]|200)$ ]] ||
		fail "virtual IP '$VIP' is not from pool-vpn"
	# The resolve plugin writes "nameserver 10.10.0.53   # by strongSwan".
	netns_wait_for 50 grep -qE "^nameserver ${OFFICE_DNS//./\\.}( |\$)" \
		"$rw/resolv.conf" || fail "DNS: '$(cat "$rw/resolv.conf")'"
	ok "$name: IKE SA and CHILD_SA up, virtual IP $VIP, DNS $OFFICE_DNS"
}

traffic() {
	local name=$1 rw=$NETNS_WORK/rw before
	step="$name: ping through the tunnel"
	ping_office "$VIP" 10 ||
		fail "ping -I $VIP $OFFICE_HOST: $(tail -n 3 "$NETNS_WORK/ping.out")"
	(($(swan_child_packets "$rw" office out) >= 10 &&
		$(swan_child_packets "$rw" office in) >= 10)) ||
		fail "the client's CHILD_SA did not count the pings"
	before=$(netns_wire_drops "$NS_RW")
	if nsx "$NS_RW" ping -n -I eth0 -c 1 -W 1 "$OFFICE_HOST" \
		>/dev/null 2>&1; then
		fail "a plaintext ping reached the office"
	fi
	(($(netns_wire_drops "$NS_RW") > before)) ||
		fail "the wire filter did not drop the plaintext ping"
	ok "$name: 10 pings to $OFFICE_HOST through espgw, none lost;" \
		"plaintext dropped"

	step="$name: espgwctl views"
	local spi_in spi_out
	spi_in=$(swan_child_spi "$rw" office)
	spi_out=$(swan_list_sas "$rw" | awk '$1 == "out" { print $2; exit }' |
		tr -d ,)
	espgw_shows "show peers" "$RW_PUB" "$RW_ID" "$VIP" ||
		fail "show peers: $(espgw_ctl show peers 2>&1 | head -n 10)"
	espgw_shows "show sa" "$spi_in" "$spi_out" ||
		fail "show sa lacks $spi_in/$spi_out:" \
			"$(espgw_ctl show sa 2>&1 | head -n 10)"
	ok "$name: espgwctl show peers/sa: $RW_ID at $VIP, SPIs" \
		"$spi_in/$spi_out"
	SPIS="$spi_in $spi_out"
}

rekeys() {
	local name=$1 rw=$NETNS_WORK/rw
	step="$name: rekeys by the client under traffic"
	# 80 pings, 8 s: both rekeys happen while they run.
	nsx "$NS_RW" ping -n -I "$VIP" -c 80 -i 0.1 -W 2 -w 30 \
		"$OFFICE_HOST" >"$NETNS_WORK/ping-rekey.out" 2>&1 &
	local ppid=$!
	netns_track "$ppid"
	sleep 1
	swan_rekey_child "$rw" office 10 || fail "CHILD_SA rekey: $SWAN_WHY"
	swan_rekey_ike "$rw" rw 10 || fail "IKE SA rekey: $SWAN_WHY"
	swan_wait_child "$rw" office 5 || fail "CHILD_SA lost in IKE rekey"
	# shellcheck disable=SC2015 # either failing is a failure
	wait "$ppid" && grep -q ' 0% packet loss' "$NETNS_WORK/ping-rekey.out" ||
		fail "pings lost: $(tail -n 2 "$NETNS_WORK/ping-rekey.out")"
	ok "$name: CHILD and IKE rekeys by the client, 80 pings, none lost"
	# XXX Rekeys started by espgw need an espgwctl command (or short
	# lifetimes in the configuration); add them when it exists.
}

disconnect() {
	local name=$1 rw=$NETNS_WORK/rw
	step="$name: disconnect"
	swan_terminate "$rw" rw 10 || fail "SAs left in strongSwan"
	netns_wait_for 100 espgw_forgot "show peers" "$RW_ID" ||
		fail "show peers: $(espgw_ctl show peers 2>&1 | head -n 5)"
	# shellcheck disable=SC2086
	netns_wait_for 100 espgw_forgot "show sa" $SPIS ||
		fail "show sa: $(espgw_ctl show sa 2>&1 | head -n 5)"
	ok "$name: disconnected; no SA in strongSwan nor in espgw"
	step="$name: stop"
	swan_stop "$rw"
	espgw_stop || fail "espgw exited with an error"
}

run_topology() {
	netns_workdir || exit 1
	bring_up "$1"
	connect "$1"
	traffic "$1"
	rekeys "$1"
	disconnect "$1"
}

espgw_bins "$build" || { step=build; fail "no espgw programs in $build"; }
start=$SECONDS
case $only in
direct | nat) run_topology "$only" ;;
"")
	run_topology direct
	# The NAT topology in fresh namespaces.
	netns_cleanup
	NETNS_ID=${$}n
	. "$here/netns.sh"
	run_topology nat
	;;
*) echo "usage: $0 [BUILD_DIR] [direct|nat]"; exit 2 ;;
esac
echo "$passed passed, 0 failed ($((SECONDS - start)) s)"
