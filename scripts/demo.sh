#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The README's demo, in one command (as root, Debian 12):
#
#     sudo scripts/demo.sh
#
# Installs what is needed, builds espgw (build/, release), brings up three
# network namespaces (a road warrior, the gateway, an office host),
# starts espgw-dataplane and espgw-control on the gateway and a strongSwan
# road warrior that connects with a pre-shared key, shows the tunnel at
# work (ping through it, espgwctl's view, counters), and tears everything
# down, whatever happens.  A failing step is named and the demo exits
# non-zero; it never pretends.
#
#   ESPGW_BUILD=DIR   build directory (default build)
#   DEMO_NAT=1        put the road warrior behind an nftables NAT router
#   KEEP_WORK=1       keep the logs (their directory is printed)
set -u
cd "$(dirname "$0")/.." || exit 1
root=$PWD
build=${ESPGW_BUILD:-build}
it=$root/test/integration
total=7
n=0

if [[ $(id -u) -ne 0 ]]; then
	echo "demo: run as root (it installs packages and makes namespaces)"
	exit 1
fi

say() {
	n=$((n + 1))
	printf '\n\033[1m[%d/%d] %s\033[0m\n' "$n" "$total" "$*"
	step=$*
}

show() { # a command, shown before it runs
	show_as "$*" "$@"
}

show_as() { # LABEL COMMAND...: COMMAND's output under "$ LABEL"
	printf '  $ %s\n' "$1"
	shift
	"$@" 2>&1 | sed 's/^/    /'
	return "${PIPESTATUS[0]}"
}

# espgwctl and swanctl as an operator would type them.
ctl() { show_as "espgwctl $*" espgw_ctl "$@"; }

failed() {
	printf '\n\033[1mdemo FAILED at step %d/%d (%s):\033[0m %s\n' \
		"$n" "$total" "$step" "$*"
	if [[ -n ${NETNS_WORK:-} && -d ${NETNS_WORK:-} ]]; then
		echo "--- strongSwan's log (last lines):"
		swan_log_tail "$NETNS_WORK/rw" 15 2>/dev/null
		echo "--- espgw-control's log (last lines):"
		tail -n 15 "$NETNS_WORK/control.log" 2>/dev/null
		echo "--- espgw-dataplane's log (last lines):"
		tail -n 10 "$NETNS_WORK/dataplane.log" 2>/dev/null
	fi
	exit 1
}

say "installing dependencies"
scripts/install-deps.sh || failed "scripts/install-deps.sh"

say "building espgw in $build/"
if [[ ! -f $build/build.ninja ]]; then
	meson setup "$build" --buildtype=release >/dev/null ||
		failed "meson setup"
fi
ninja -C "$build" dataplane/espgw-dataplane control/espgw-control \
	control/espgwctl >/dev/null || failed "ninja"
echo "  built $build/dataplane/espgw-dataplane, $build/control/espgw-control," \
	"$build/control/espgwctl"

# The namespaces and every process go on exit, whatever happens (the
# libraries' EXIT trap).
# shellcheck source=../test/integration/netns.sh
. "$it/netns.sh"
# shellcheck source=../test/integration/swan/swan.sh
. "$it/swan/swan.sh"
espgw_bins "$build" || failed "the programs are missing"
netns_workdir || failed "mktemp"
[[ -n ${KEEP_WORK:-} ]] && echo "  logs kept in $NETNS_WORK"

say "network namespaces"
nat=
[[ ${DEMO_NAT:-} == 1 ]] && nat=nat
netns_setup dpdk $nat || failed "cannot build the namespaces"
echo "  $NS_RW      road warrior, $RW_PUB${nat:+ behind NAT router $NS_NAT}"
echo "  $NS_GW      espgw: public $GW_PUB, office side $GW_PRIV"
echo "  $NS_OFFICE     office host $OFFICE_HOST (DNS $OFFICE_DNS)"

say "espgw: data plane and IKE daemon"
psk="demo-K$(head -c 18 /dev/urandom | base64)"	# never printed
# shellcheck disable=SC2046
swan_render "$it/e2e_roadwarrior.conf.template" "$NETNS_WORK/espgw.conf" \
	$(espgw_conf_values) GW_ID=gw.espgw.test RW_ID=rw1.espgw.test \
	PSK="$psk" || failed "configuration"
espgw_start "$NETNS_WORK/espgw.conf" || failed "espgw did not start"
# The office host reaches its gateway through the slow path (and
# espgw-dataplane learns its MAC on the way).
ip netns exec "$NS_OFFICE" ping -n -c 2 -i 0.2 -w 10 "$GW_PRIV" >/dev/null ||
	failed "the office host cannot reach espgw ($GW_PRIV)"
ctl show channel

say "strongSwan road warrior connects (IKEv2, PSK)"
rw=$NETNS_WORK/rw
mkdir -p "$rw"
swan_render "$it/swan/roadwarrior.conf.template" "$rw/swanctl.conf" \
	MOBIKE=no \
	GW_ADDR="$GW_PUB" RW_ID=rw1.espgw.test GW_ID=gw.espgw.test \
	OFFICE_NET="$OFFICE_NET" ESP_PROPOSALS=aes256-sha256-modp2048 \
	PSK="$psk" || failed "strongSwan's configuration"
swan_start "$rw" "$NS_RW" || failed "charon did not start"
swan_load "$rw" "$rw/swanctl.conf" || failed "swanctl --load-all"
echo "  $ swanctl --initiate --child office"
swan_initiate "$rw" office 25 ||
	failed "$(swan_ike_diagnosis "$rw" espgw-control)"
swan_wait_child "$rw" office 10 || failed "no CHILD_SA installed"
vip=$(swan_vip "$rw")
echo "  connected: virtual IP $vip, DNS from the gateway:" \
	"$(grep -m1 nameserver "$rw/resolv.conf")"

say "the tunnel at work"
show ip netns exec "$NS_RW" ping -n -I "$vip" -c 5 -i 0.2 -w 10 \
	"$OFFICE_HOST" || failed "ping through the tunnel"
show_as "swanctl --list-sas" swan_list_sas "$rw"
ctl show peers || failed "espgwctl show peers"
ctl show sa || failed "espgwctl show sa"
ctl show policies || failed "espgwctl show policies"
if espgw_ctl help 2>/dev/null | grep -q 'show counters'; then
	ctl show counters
fi

say "disconnect and tear down"
swan_terminate "$rw" rw 10 || failed "strongSwan kept SAs"
echo "  strongSwan disconnected; espgw's peers now:"
ctl show peers
swan_stop "$rw"
espgw_stop || failed "espgw exited with an error"
echo "  espgw-dataplane's counters at exit:"
grep -vE '^(espgw-|tap_|qdisc_|eth_dev_)' "$NETNS_WORK/dataplane.log" |
	sed 's/^/    /'
echo
echo "demo complete: namespaces and processes are removed on exit."
