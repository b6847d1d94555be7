#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# End to end, site to site: two espgw gateways (espgw-dataplane on
# af_packet veths + espgw-control each, topology of dp_s2s_lib.sh) build
# their tunnel with IKEv2 and PSKs (e2e-s2s.conf.template).  Gateway A's
# peer has passive = false, B's passive = true: B only answers.  Proves:
#   1. A initiates on its own once started; both espgwctl show peers name
#      the other gateway;
#   2. ping host A <-> host B both ways, no loss;
#   3. a UDP flow of N datagrams each way, none lost;
#   4. on the link between the gateways only ESP carries the hosts'
#      traffic (none of their addresses in clear);
#   5. espgw-control A stops cleanly, and its data plane's SAs keep
#      carrying pings (DESIGN, decision 2);
#   6. started again, A builds a new tunnel; B keeps one IKE SA for A and
#      none of the old CHILD SAs; pings both ways, no loss;
#   7. both espgw-control and espgw-dataplane exit cleanly on SIGTERM and
#      no namespace or process of the test is left.
#
# usage: e2e_s2s_espgw.sh BUILD_DIR.  Exit 77 (skip) only when not root.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-${ESPGW_BUILD:-$here/../../build}}
prog=$build/dataplane/espgw-dataplane
control=$build/control/espgw-control
ctl=$build/control/espgwctl
encap=esp
# shellcheck source=dp_s2s_lib.sh
. "$here/dp_s2s_lib.sh"
# shellcheck source=swan/swan.sh
. "$here/swan/swan.sh"	# swan_render only
trap s2s_cleanup EXIT	# removes $work, even on a skip
need_root
trap 'exit 1' INT TERM HUP
for b in "$prog" "$control" "$ctl"; do
	[[ -x $b ]] || { echo "FAIL: $b is missing: build first"; exit 1; }
done

N=300
PSK="s2s-K$(head -c 18 /dev/urandom | base64)"
start=$SECONDS
# shellcheck disable=SC2034 # set and read through eval
pid_ca='' pid_cb=''

gwctl() { # a|b COMMAND...
	local g=$1
	shift
	timeout 10 "$ctl" --socket "$work/ctl_$g.sock" "$@"
}

fail_ike() {
	local g
	for g in a b; do
		echo "--- espgw-control $g (last lines):"
		tail -n 25 "$work/control_$g.log" 2>/dev/null
		echo "--- show peers $g:"
		gwctl "$g" show peers 2>&1 | head -n 10
	done
	fail "$@"
}

render() { # a|b PASSIVE WAN PEER LAN LOCAL_NET REMOTE_NET MY PEER_ID
	local g=$1
	swan_render "$here/e2e-s2s.conf.template" "$work/$g.conf" \
		IF_WAN="${g}wan$id" IF_LAN="${g}lan$id" \
		TAP_WAN="t${g}wan$id" TAP_LAN="t${g}lan$id" \
		PASSIVE="$2" WAN_ADDR="$3" PEER_ADDR="$4" LAN_ADDR="$5" \
		LOCAL_NET="$6" REMOTE_NET="$7" MY_ID="$8" PEER_ID="$9" \
		PSK="$PSK" CHANNEL="e2es2s$g$id" \
		CTL_SOCKET="$work/ctl_$g.sock" &&
		"$control" --check --config "$work/$g.conf" \
			>"$work/check_$g.out" 2>&1
}

# start_control a|b NS: espgw-control, up once its channel is.
start_control() {
	local g=$1 ns=$2 p
	ip netns exec "$ns" "$control" --config "$work/$g.conf" \
		>"$work/control_$g.log" 2>&1 &
	p=$!
	bg_pids="$p $bg_pids"
	eval "pid_c$g=$p"
	wait_for 200 eval "gwctl $g show channel | grep -q ': up\$'"
}

# peer_up a|b ADDR ID: show peers has the other gateway's IKE SA, by its
# identity and address, established.
peer_up() {
	gwctl "$1" show peers 2>&1 | grep -i -- "$3" | grep -- "$2" |
		grep -q established
}

# The CHILD SAs' SPIs in G's espgwctl show sa, sorted.
spis() {
	gwctl "$1" show sa 2>/dev/null |
		awk '$1 ~ /^[0-9a-f]+$/ && length($1) == 8 { print $1 }' | sort
}

# B holds exactly one IKE SA for A, established.
one_sa_for_a() {
	local out
	out=$(gwctl b show peers 2>&1 | grep -i gw-a.espgw.test) || return 1
	[[ $(wc -l <<<"$out") -eq 1 ]] && grep -q established <<<"$out"
}

# B lists CHILD SAs, and none of old_b's SPIs.
old_spis_gone() {
	local now
	now=$(spis b)
	[[ -n $now ]] || return 1
	# shellcheck disable=SC2086 # one SPI a word
	[[ -z $(comm -12 <(echo "$now") <(printf '%s\n' $old_b | sort)) ]]
}

# Stop espgw-control of gateway G; its exit status must be 0.
stop_control() {
	local g=$1 p
	eval "p=\$pid_c$g"
	kill -TERM "$p"
	wait_for 100 eval "! kill -0 $p" ||
		fail "espgw-control $g did not stop within 10 s"
	wait "$p" || fail "espgw-control $g exited with status $?"
	eval "pid_c$g="
}

s2s_net || fail "cannot build the namespaces"
render a false 192.0.2.1 192.0.2.2 10.1.0.1 10.1.0.0/24 10.2.0.0/24 \
	gw-a.espgw.test gw-b.espgw.test ||
	fail "config A: $(cat "$work/check_a.out")"
render b true 192.0.2.2 192.0.2.1 10.2.0.1 10.2.0.0/24 10.1.0.0/24 \
	gw-b.espgw.test gw-a.espgw.test ||
	fail "config B: $(cat "$work/check_b.out")"
start_gw a "$GA" 0@0,1@1 "$work/a.conf" || fail "data plane A did not come up"
start_gw b "$GB" 0@0,1@1 "$work/b.conf" || fail "data plane B did not come up"
tap_up "$GA" "tawan$id" 192.0.2.1/24 &&
	tap_up "$GA" "talan$id" 10.1.0.1/24 &&
	tap_up "$GB" "tbwan$id" 192.0.2.2/24 &&
	tap_up "$GB" "tblan$id" 10.2.0.1/24 || fail "taps did not come up"
# The hosts reach their gateways through the slow path (and the data
# planes learn their MACs on the way).
ip netns exec "$HA" ping -n -c 2 -i 0.2 -w 10 10.1.0.1 >/dev/null &&
	ip netns exec "$HB" ping -n -c 2 -i 0.2 -w 10 10.2.0.1 >/dev/null ||
	fail "the hosts cannot ping their gateways"

# Captures on both ends of the link between the gateways, from before IKE.
for side in "$GA awan$id" "$GB bwan$id"; do
	read -r ns ifc <<<"$side"
	ip netns exec "$ns" python3 "$here/dp_flow.py" capture "$ifc" \
		"$work/cap.$ifc" "$work/cap.$ifc.ready" &
	bg_pids="$bg_pids $!"
	wait_for 100 test -e "$work/cap.$ifc.ready" ||
		fail "the capture did not start"
done

# B (the responder) first, then A, which initiates by itself.
start_control b "$GB" || fail_ike "espgw-control B did not come up"
t0=$SECONDS
start_control a "$GA" || fail_ike "espgw-control A did not come up"
wait_for 200 peer_up a 192.0.2.2 gw-b.espgw.test &&
	wait_for 100 peer_up b 192.0.2.1 gw-a.espgw.test ||
	fail_ike "no tunnel within 30 s of starting A"
wait_for 100 eval "gwctl a show sa | grep -qi 10.2.0.0" ||
	fail_ike "A lists no CHILD SA for 10.2.0.0/24"
echo "ok 1 - A initiated by itself; IKE and CHILD SAs up in" \
	"$((SECONDS - t0)) s; show peers on both name the other"

out=$(ip netns exec "$HA" ping -n -c 10 -i 0.1 -W 2 -w 20 10.2.0.2 2>&1) &&
	grep -q ' 0% packet loss' <<<"$out" || fail_ike "(2) ping A -> B: $out"
out=$(ip netns exec "$HB" ping -n -c 10 -i 0.1 -W 2 -w 20 10.1.0.2 2>&1) &&
	grep -q ' 0% packet loss' <<<"$out" || fail_ike "(2) ping B -> A: $out"
echo "ok 2 - 10 pings each way, none lost"

flow "$HA" "$HB" 10.2.0.2 $N || fail "(3) the flow A -> B did not run"
((got == N)) || fail_ike "(3) A -> B: $got of $N datagrams arrived"
flow "$HB" "$HA" 10.1.0.2 $N || fail "(3) the flow B -> A did not run"
((got == N)) || fail_ike "(3) B -> A: $got of $N datagrams arrived"
echo "ok 3 - $N datagrams each way, none lost"

esp=0 udp=0 clear=0 other=0
for ifc in "awan$id" "bwan$id"; do
	touch "$work/cap.$ifc.stop"
	wait_for 50 test -s "$work/cap.$ifc" || fail "(4) no capture summary"
	read -r _ e _ u _ c _ o <"$work/cap.$ifc"
	((esp += e, udp += u, clear += c, other += o))
done
# Each end sees what the other sent: pings and datagrams, both ways.
want=$((2 * N + 40))
((esp + udp >= want)) || fail "(4) ESP $esp + ESP in UDP $udp < $want"
((clear == 0)) || fail "(4) $clear frames with inner addresses in clear"
echo "ok 4 - link between gateways: esp $esp, udp4500 $udp, clear $clear," \
	"other $other (IKE, ARP)"

# Stopped, espgw-control leaves the data plane's SAs in place (DESIGN,
# decision 2): the tunnel keeps carrying traffic.
old_b=$(spis b)
[[ -n $old_b ]] || fail_ike "(5) B's show sa lists no SPI"
stop_control a
out=$(ip netns exec "$HA" ping -n -c 10 -i 0.1 -W 2 -w 20 10.2.0.2 2>&1) &&
	grep -q ' 0% packet loss' <<<"$out" ||
	fail_ike "(5) ping A -> B with A's espgw-control stopped: $out"
echo "ok 5 - espgw-control A stopped cleanly; its data plane's SAs still" \
	"carry 10 pings, none lost"

# Started again, A flushes the data plane's SAs on attach and initiates
# anew; B replaces the old IKE SA (INITIAL_CONTACT): one IKE SA for A,
# none of the old SPIs.
t0=$SECONDS
start_control a "$GA" || fail_ike "espgw-control A did not come up again"
wait_for 200 peer_up a 192.0.2.2 gw-b.espgw.test &&
	wait_for 100 one_sa_for_a &&
	wait_for 100 old_spis_gone ||
	fail_ike "(6) no new tunnel, or old SAs left, within 30 s"
out=$(ip netns exec "$HA" ping -n -c 10 -i 0.1 -W 2 -w 20 10.2.0.2 2>&1) &&
	grep -q ' 0% packet loss' <<<"$out" || fail_ike "(6) ping A -> B: $out"
out=$(ip netns exec "$HB" ping -n -c 10 -i 0.1 -W 2 -w 20 10.1.0.2 2>&1) &&
	grep -q ' 0% packet loss' <<<"$out" || fail_ike "(6) ping B -> A: $out"
echo "ok 6 - A restarted: a new tunnel in $((SECONDS - t0)) s, B holds one" \
	"IKE SA for A and none of the old SPIs; 10 pings each way, none lost"

stop_control a
stop_control b
stop_gw a
stop_gw b
# shellcheck disable=SC2154 # set by stop_gw through eval
((rc_a == 0 && rc_b == 0)) || fail "(7) data planes exit A $rc_a, B $rc_b"
s2s_cleanup
trap - EXIT
left=$(ip netns list | grep -c -- "-$id\\b")
((left == 0)) || { echo "FAIL: (7) $left namespaces left"; exit 1; }
echo "ok 7 - both gateways stopped cleanly; no namespace or process left"
echo "7 passed, 0 failed ($((SECONDS - start)) s)"
