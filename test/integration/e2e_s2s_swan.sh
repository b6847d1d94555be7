#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# End to end, site to site: espgw (espgw-dataplane on af_packet veths +
# espgw-control, in NS_GW of netns.sh) initiates, its peer having
# passive = false, to a strongSwan responder (charon with kernel-libipsec in
# NS_RW, connection "site" of swan/responder.conf.template).  strongSwan's
# protected subnet is 10.20.0.0/24 (its address 10.20.0.1 on lo), espgw's
# the office 10.10.0.0/24.  Proves:
#   1. espgw initiates by itself once started: strongSwan installs the
#      CHILD_SA "site", espgwctl show peers has the IKE SA established;
#   2. ping office host 10.10.0.2 <-> 10.20.0.1 both ways, no loss, counted
#      by strongSwan's CHILD_SA; plaintext to the office is dropped on
#      strongSwan's wire (netns.sh's WIRE filter), so only the tunnel
#      passes;
#   3. strongSwan deletes the IKE SA: none left in either daemon;
#   4. both espgw programs exit cleanly, no namespace is left.
#
# usage: e2e_s2s_swan.sh BUILD_DIR.  Exit 77 (skip) only when not root or
# strongSwan is missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-${ESPGW_BUILD:-$here/../../build}}
# shellcheck source=netns.sh
. "$here/netns.sh"
# shellcheck source=swan/swan.sh
. "$here/swan/swan.sh"

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

GW_ID=gw.espgw.test
SWAN_ID=swan.espgw.test
SWAN_NET=10.20.0.0/24
SWAN_HOST=10.20.0.1
PSK="s2s-K$(head -c 18 /dev/urandom | base64)"
passed=0
step=setup

fail() {
	echo "FAIL [$step]: $*"
	if [[ -n ${NETNS_WORK:-} ]]; then
		echo "--- strongSwan responder log, without vici:"
		grep -v '\[CFG\] vici' "$NETNS_WORK/swan/charon.log" \
			2>/dev/null | tail -n 30
		echo "--- espgwctl show peers:"
		espgw_ctl show peers 2>&1 | head -n 5
		echo "--- espgw-control log:"
		tail -n 30 "$NETNS_WORK/control.log" 2>/dev/null
		espgw_stop >/dev/null 2>&1
		echo "--- espgw-dataplane log:"
		grep -v '^ *[a-z_.-]* 0$' "$NETNS_WORK/dataplane.log" \
			2>/dev/null | tail -n 30
	fi
	exit 1
}

ok() {
	passed=$((passed + 1))
	echo "ok $passed - $*"
}

ping_ok() { # NS SRC DST COUNT
	nsx "$1" ping -n -I "$2" -c "$4" -i 0.1 -W 2 -w 20 "$3" \
		>"$NETNS_WORK/ping.out" 2>&1 &&
		grep -q ' 0% packet loss' "$NETNS_WORK/ping.out"
}

peer_established() {
	espgw_ctl show peers 2>&1 | grep -i -- "$SWAN_ID" | grep -- "$RW_PUB" |
		grep -q established
}

peer_gone() {
	local out
	out=$(espgw_ctl show peers 2>&1) || return 1
	! grep -qi -- "$SWAN_ID" <<<"$out"
}

espgw_bins "$build" || { step=build; fail "no espgw programs in $build"; }
start=$SECONDS
netns_workdir || exit 1
sw=$NETNS_WORK/swan

step=namespaces
netns_setup dpdk || fail "cannot build them"
ip -n "$NS_RW" addr add "$SWAN_HOST/32" dev lo || fail "address $SWAN_HOST"

step="strongSwan responder"
mkdir -p "$sw"
swan_render "$here/swan/responder.conf.template" "$sw/swanctl.conf" \
	GW_ADDR="$RW_PUB" GW_ID="$SWAN_ID" RW_ID=unused-rw.espgw.test \
	OFFICE_NET="$SWAN_NET" POOL=172.16.1.100-172.16.1.200 \
	DNS="$OFFICE_DNS" SITE_ID="$GW_ID" SITE_NET="$OFFICE_NET" \
	PSK="$PSK" || fail "render strongSwan's config"
swan_start "$sw" "$NS_RW" || fail "charon did not start"
swan_load "$sw" "$sw/swanctl.conf" || fail "swanctl --load-all"

step="espgw start"
# shellcheck disable=SC2046 # KEY=VALUE words
swan_render "$here/e2e-s2s.conf.template" "$NETNS_WORK/espgw.conf" \
	$(espgw_conf_values | sed -e 's/IF_PUB=/IF_WAN=/' \
		-e 's/IF_PRIV=/IF_LAN=/' -e 's/TAP_PUB=/TAP_WAN=/' \
		-e 's/TAP_PRIV=/TAP_LAN=/') \
	PASSIVE=false WAN_ADDR="$GW_PUB" PEER_ADDR="$RW_PUB" \
	LAN_ADDR="$GW_PRIV" LOCAL_NET="$OFFICE_NET" REMOTE_NET="$SWAN_NET" \
	MY_ID="$GW_ID" PEER_ID="$SWAN_ID" PSK="$PSK" || fail "render"
"$ESPGW_CONTROL" --check --config "$NETNS_WORK/espgw.conf" \
	>"$NETNS_WORK/check.out" 2>&1 ||
	fail "espgw-control --check: $(cat "$NETNS_WORK/check.out")"
t0=$SECONDS
espgw_start "$NETNS_WORK/espgw.conf" || fail "see the logs"
# The office host reaches its gateway through the slow path (and the data
# plane learns its MAC on the way).
nsx "$NS_OFFICE" ping -n -c 2 -i 0.2 -w 10 "$GW_PRIV" >/dev/null 2>&1 ||
	fail "the office host cannot ping $GW_PRIV"

step="IKE (espgw initiates)"
swan_wait_child "$sw" site 30 ||
	fail "strongSwan installed no CHILD_SA 'site' within 30 s"
netns_wait_for 100 peer_established ||
	fail "show peers: $(espgw_ctl show peers 2>&1 | head -n 5)"
ok "espgw initiated by itself; CHILD_SA 'site' installed in strongSwan," \
	"IKE SA established in espgw, $((SECONDS - t0)) s after start"

step="ping through the tunnel"
ping_ok "$NS_OFFICE" "$OFFICE_HOST" "$SWAN_HOST" 10 ||
	fail "office -> $SWAN_HOST: $(tail -n 3 "$NETNS_WORK/ping.out")"
ping_ok "$NS_RW" "$SWAN_HOST" "$OFFICE_HOST" 10 ||
	fail "$SWAN_HOST -> office: $(tail -n 3 "$NETNS_WORK/ping.out")"
pin=$(swan_child_packets "$sw" site in)
pout=$(swan_child_packets "$sw" site out)
((${pin:-0} >= 20 && ${pout:-0} >= 20)) ||
	fail "strongSwan's CHILD_SA counted in ${pin:-?} out ${pout:-?}"
before=$(netns_wire_drops "$NS_RW")
if nsx "$NS_RW" ping -n -I eth0 -c 1 -W 1 "$OFFICE_HOST" >/dev/null 2>&1; then
	fail "a plaintext ping reached the office"
fi
(($(netns_wire_drops "$NS_RW") > before)) ||
	fail "the wire filter did not drop the plaintext ping"
ok "10 pings each way between $OFFICE_HOST and $SWAN_HOST, none lost;" \
	"strongSwan's CHILD_SA counted in $pin out $pout; plaintext dropped"

step="teardown"
spi_in=$(swan_child_spi "$sw" site)
spi_out=$(swan_list_sas "$sw" | awk '$1 == "out" { print $2; exit }' | tr -d ,)
espgw_ctl show sa 2>&1 | grep -qi -- "$spi_in" &&
	espgw_ctl show sa 2>&1 | grep -qi -- "$spi_out" ||
	fail "show sa lacks $spi_in/$spi_out: $(espgw_ctl show sa 2>&1 | head)"
swan_terminate "$sw" site 10 || fail "SAs left in strongSwan"
netns_wait_for 100 peer_gone ||
	fail "show peers: $(espgw_ctl show peers 2>&1 | head -n 5)"
netns_wait_for 100 eval "! espgw_ctl show sa | grep -qiE '$spi_in|$spi_out'" ||
	fail "show sa: $(espgw_ctl show sa 2>&1 | head -n 5)"
ok "strongSwan deleted the IKE SA; its SPIs $spi_in/$spi_out gone" \
	"from espgwctl show sa, no SA left in either daemon"
swan_stop "$sw"
espgw_stop || fail "espgw exited with an error"
id=$NETNS_ID
netns_cleanup
left=$(ip netns list | grep -c -- "-$id\\b")
((left == 0)) || { echo "FAIL [teardown]: $left namespaces left"; exit 1; }
ok "espgw and charon stopped cleanly; no namespace left"
echo "$passed passed, 0 failed ($((SECONDS - start)) s)"
