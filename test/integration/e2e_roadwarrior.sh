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
#      (direct only, the client with MOBIKE) the client's address moves:
#      espgw follows after its return routability check, same IKE SA;
#   5. a CHILD_SA rekey and an IKE SA rekey started by the client while a
#      ping runs: no ping lost;
#   6. a CHILD_SA rekey and an IKE SA rekey started by espgw (espgwctl
#      rekey child / rekey ike) while a ping runs: new SPIs in both
#      daemons, the old ones gone from both and from the data plane, no
#      ping lost;
#   7. espgwctl terminate: strongSwan and espgw hold no SA, the data
#      plane deleted the pair; the client connects again;
#   8. disconnect: no SA left in strongSwan, nor in espgwctl's views.
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
		MOBIKE="$( [[ $name == direct ]] && echo yes || echo no)" \
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
}

# ---- what espgw starts: espgwctl rekey and terminate ----

# The client's installed CHILD_SA's SPIs, "IN OUT" (strongSwan's in is
# espgw's out).
swan_child_spis() {
	_swan_child_block "$1" office | awk '
		$1 == "in" { i = $2 } $1 == "out" { o = $2 }
		END { gsub(/,/, "", i); gsub(/,/, "", o); print i, o }'
}

# The client's established IKE SA "rw": "SPIi SPIr", as espgw prints
# them too (16 hex digits; strongSwan marks them _i, _r and * for its own).
swan_ike_spis() {
	swan_list_sas "$1" 2>/dev/null | awk '
		$1 == "rw:" && /ESTABLISHED/ { sub(/_i\*?$/, "", $5);
			sub(/_r\*?$/, "", $6); print $5, $6; exit }'
}

# The data plane logs each SA it deletes ("channel: SA ID deleted"); the
# pair of espgw's inbound SPI S has ids S << 1 (in) and S << 1 | 1 (out),
# ike_child.h.  True when both were deleted.
dp_deleted() { # ESPGW_INBOUND_SPI
	local s=$((16#$1)) id
	for id in $((s << 1)) $((s << 1 | 1)); do
		grep -q "channel: SA $(printf %016x "$id") deleted" \
			"$NETNS_WORK/dataplane.log" || return 1
	done
}

# True when strongSwan's list names none of the words.
swan_forgot() { # DIR WORD...
	local out w
	out=$(swan_list_sas "$1" 2>&1) || return 1
	shift
	for w in "$@"; do
		grep -qi -- "$w" <<<"$out" && return 1
	done
	return 0
}

# Polled conditions: the client's SPIs differ from these old ones.
child_spis_moved() { # DIR OLD_IN OLD_OUT
	local now
	now=$(swan_child_spis "$1")
	[[ $now =~ ^[0-9a-f]{8}\ [0-9a-f]{8}$ && ${now% *} != "$2" &&
		${now#* } != "$3" ]]
}
ike_spis_moved() { # DIR OLD_SPIS
	local now
	now=$(swan_ike_spis "$1")
	[[ $now =~ ^[0-9a-f]{16}\ [0-9a-f]{16}$ && ${now% *} != "${2% *}" &&
		${now#* } != "${2#* }" ]]
}

espgw_rekey_child() {
	local name=$1 rw=$NETNS_WORK/rw ike old new
	step="$name: espgwctl rekey child"
	ike=$(swan_ike_spis "$rw")
	old=$(swan_child_spis "$rw")
	[[ -n $ike && $old =~ ^[0-9a-f]{8}\ [0-9a-f]{8}$ ]] ||
		fail "no SAs in strongSwan to rekey"
	# The target by its remote ID, as show peers prints it.
	if ! espgw_ctl rekey child "fqdn:$RW_ID" >"$NETNS_WORK/ctl.out" 2>&1 ||
		! grep -q 'rekey started' "$NETNS_WORK/ctl.out"; then
		fail "espgwctl: $(cat "$NETNS_WORK/ctl.out")"
	fi
	netns_wait_for 100 child_spis_moved "$rw" "${old% *}" "${old#* }" ||
		fail "strongSwan shows no new CHILD_SA SPIs: was $old," \
			"now '$(swan_child_spis "$rw")'"
	new=$(swan_child_spis "$rw")
	[[ $(swan_ike_spis "$rw") == "$ike" ]] ||
		fail "the IKE SA changed; a CHILD rekey keeps it"
	# shellcheck disable=SC2086 # two SPIs
	netns_wait_for 100 espgw_shows "show sa" $new ||
		fail "show sa lacks $new: $(espgw_ctl show sa 2>&1 | head -n 6)"
	# shellcheck disable=SC2086
	netns_wait_for 100 espgw_forgot "show sa" $old ||
		fail "show sa still lists $old"
	# shellcheck disable=SC2086
	netns_wait_for 100 swan_forgot "$rw" $old ||
		fail "strongSwan still lists $old"
	netns_wait_for 100 dp_deleted "${old#* }" ||
		fail "the data plane did not delete the pair of ${old#* }"
	ok "$name: espgw rekeyed the CHILD SA: $old -> $new in both" \
		"daemons; the old pair left both and the data plane"
	CHILD_SPIS=$new
}

espgw_rekey_ike() {
	local name=$1 rw=$NETNS_WORK/rw old new
	step="$name: espgwctl rekey ike"
	old=$(swan_ike_spis "$rw")
	# The target by the peer's name in espgw's configuration.
	if ! espgw_ctl rekey ike ikev2-peer >"$NETNS_WORK/ctl.out" 2>&1 ||
		! grep -q 'rekey started' "$NETNS_WORK/ctl.out"; then
		fail "espgwctl: $(cat "$NETNS_WORK/ctl.out")"
	fi
	netns_wait_for 100 ike_spis_moved "$rw" "$old" ||
		fail "strongSwan shows no new IKE SA: was $old," \
			"now '$(swan_ike_spis "$rw")'"
	new=$(swan_ike_spis "$rw")
	# shellcheck disable=SC2086 # two SPIs
	netns_wait_for 100 espgw_shows "show peers --json" $new ||
		fail "show peers lacks $new: $(espgw_ctl --json show peers)"
	# shellcheck disable=SC2086
	netns_wait_for 100 espgw_forgot "show peers --json" $old ||
		fail "show peers still lists $old"
	# shellcheck disable=SC2086
	netns_wait_for 100 swan_forgot "$rw" $old ||
		fail "strongSwan still lists the IKE SA $old"
	# The CHILD SA moves over untouched, in both and in the data plane.
	[[ $(swan_child_spis "$rw") == "$CHILD_SPIS" ]] ||
		fail "the CHILD_SA changed: $CHILD_SPIS -> $(swan_child_spis "$rw")"
	# shellcheck disable=SC2086
	espgw_shows "show sa" $CHILD_SPIS || fail "show sa lost $CHILD_SPIS"
	dp_deleted "${CHILD_SPIS#* }" &&
		fail "the data plane deleted the CHILD SA of the rekeyed IKE SA"
	ok "$name: espgw rekeyed the IKE SA: $old -> $new in both daemons," \
		"the old one gone; the CHILD SA kept"
}

# Both rekeys while 150 pings (15 s) run; none may be lost.
espgw_rekeys() {
	local name=$1 ppid
	step="$name: rekeys by espgw under traffic"
	nsx "$NS_RW" ping -n -I "$VIP" -c 150 -i 0.1 -W 2 -w 45 \
		"$OFFICE_HOST" >"$NETNS_WORK/ping-gw-rekey.out" 2>&1 &
	ppid=$!
	netns_track "$ppid"
	sleep 1
	espgw_rekey_child "$name"
	espgw_rekey_ike "$name"
	step="$name: rekeys by espgw under traffic"
	kill -0 "$ppid" 2>/dev/null ||
		fail "the pings ended before the rekeys did: not under traffic"
	# shellcheck disable=SC2015 # either failing is a failure
	wait "$ppid" && grep -q ' 0% packet loss' \
		"$NETNS_WORK/ping-gw-rekey.out" ||
		fail "pings lost: $(tail -n 2 "$NETNS_WORK/ping-gw-rekey.out")"
	ok "$name: CHILD and IKE rekeys by espgw, 150 pings, none lost"
}

# espgwctl terminate by the address show peers prints; then the client
# comes back, for disconnect() to end with.
espgw_terminate() {
	local name=$1 rw=$NETNS_WORK/rw remote
	step="$name: espgwctl terminate"
	remote=$(espgw_ctl --json show peers |
		sed -n 's/.*"remote": "\([^"]*\)".*/\1/p' | head -n 1)
	[[ -n $remote ]] || fail "show peers --json names no remote"
	if ! espgw_ctl terminate "$remote" >"$NETNS_WORK/ctl.out" 2>&1 ||
		! grep -q 'DELETE sent' "$NETNS_WORK/ctl.out"; then
		fail "espgwctl: $(cat "$NETNS_WORK/ctl.out")"
	fi
	netns_wait_for 100 swan_no_sas "$rw" ||
		fail "strongSwan still lists: $(swan_list_sas "$rw" | head -n 4)"
	netns_wait_for 100 espgw_forgot "show peers" "$RW_ID" ||
		fail "show peers: $(espgw_ctl show peers 2>&1 | head -n 5)"
	[[ $(espgw_ctl --json show peers) == "[]" &&
		$(espgw_ctl --json show sa) == "[]" ]] ||
		fail "espgw holds SAs: $(espgw_ctl show sa | head -n 5)"
	netns_wait_for 100 dp_deleted "${CHILD_SPIS#* }" ||
		fail "the data plane did not delete the pair of ${CHILD_SPIS#* }"
	espgw_ctl terminate "$remote" >"$NETNS_WORK/ctl.out" 2>&1 &&
		fail "terminate of nothing succeeded"
	grep -qF "no IKE SA for $remote" "$NETNS_WORK/ctl.out" ||
		fail "terminate of nothing: $(cat "$NETNS_WORK/ctl.out")"
	ok "$name: espgwctl terminate $remote: no SA in strongSwan, espgw" \
		"or its data plane"

	step="$name: the client connects again"
	swan_initiate "$rw" office 25 || fail "$(swan_ike_diagnosis "$rw" espgw)"
	swan_wait_child "$rw" office 10 || fail "no INSTALLED CHILD_SA"
	VIP=$(swan_vip "$rw")
	ping_office "$VIP" 5 ||
		fail "ping -I $VIP: $(tail -n 3 "$NETNS_WORK/ping.out")"
	SPIS=$(swan_child_spis "$rw")
	ok "$name: the client is back after espgw's DELETE, 5 pings"
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

# MOBIKE (RFC 4555): the client's address changes, as a phone's does
# from Wi-Fi to 4G; strongSwan sends UPDATE_SA_ADDRESSES from the new
# one, espgw checks that it answers (COOKIE2) and only then moves the
# CHILD SAs there; the IKE SA is the same, and the pings go on.  (With
# kernel-libipsec strongSwan then rekeys its CHILD SA by itself.)
roam() {
	local name=$1 rw=$NETNS_WORK/rw new=${RW_PUB%.*}.3 ike
	step="$name: MOBIKE: the client moves to $new"
	ike=$(swan_ike_spis "$rw")
	nsx "$NS_RW" sysctl -qw net.ipv4.conf.eth0.promote_secondaries=1 &&
		nsx "$NS_RW" ip addr add "$new/$PUB_PREFIX" dev eth0 &&
		nsx "$NS_RW" ip addr del "$RW_PUB/$PUB_PREFIX" dev eth0 &&
		nsx "$NS_RW" ip route replace default via "$GW_PUB" ||
		fail "cannot move the client's address"
	netns_wait_for 200 espgw_shows "show peers" "$new" ||
		fail "espgw did not follow: $(espgw_ctl show peers 2>&1 |
			head -n 5)"
	# The CHILD SAs follow once the return routability check came back.
	netns_wait_for 100 grep -q "MOBIKE: moved to $new" \
		"$NETNS_WORK/control.log" ||
		fail "the CHILD SAs did not follow: $(grep MOBIKE \
			"$NETNS_WORK/control.log" | tail -n 3)"
	grep -q "NAT mapping moved" "$NETNS_WORK/control.log" &&
		fail "the SAs moved before the return routability check"
	swan_wait_child "$rw" office 10 || fail "no INSTALLED CHILD_SA"
	ping_office "$VIP" 10 ||
		fail "ping after the move: $(tail -n 3 "$NETNS_WORK/ping.out")"
	[[ $(swan_ike_spis "$rw") == "$ike" ]] ||
		fail "the IKE SA was negotiated again, not moved"
	ok "$name: MOBIKE: the client moved to $new, espgw followed after" \
		"its COOKIE2 check; same IKE SA, 10 pings, none lost"
}

run_topology() {
	netns_workdir || exit 1
	bring_up "$1"
	connect "$1"
	traffic "$1"
	[[ $1 == direct ]] && roam "$1"
	rekeys "$1"
	espgw_rekeys "$1"
	espgw_terminate "$1"
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
