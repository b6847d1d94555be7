# SPDX-License-Identifier: BSD-3-Clause
# Sourced by dp_s2s.sh and dp_chan.sh: two espgw-dataplane gateways on
# af_packet veths in namespaces made here, a host behind each.
#
#   [ha] eth0 10.1.0.2 -- alanN [ga] awanN ===== bwanN [gb] blanN -- eth0 [hb]
#                           gateway A                gateway B      10.2.0.2
#
# Gateway A has one worker, B two (inbound hand-off between workers).  The
# gateway-side veths carry no address; the taps carry the gateways'.
# Callers set prog, here (the test directory) and encap, then call
# s2s_setup; s2s_cleanup runs on exit.

# shellcheck source=wait.sh
. "$here/wait.sh"

id=$$
HA=espgw-ha-$id
GA=espgw-ga-$id
GB=espgw-gb-$id
HB=espgw-hb-$id
work=$(mktemp -d)
pid_a=
pid_b=
bg_pids=

s2s_cleanup() {
	local p i
	touch "$work"/*.stop 2>/dev/null
	for p in $bg_pids $pid_a $pid_b; do
		kill -TERM "$p" 2>/dev/null || continue
		for ((i = 0; i < 50; i++)); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
	done
	for ns in "$HA" "$GA" "$GB" "$HB"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$work"
}

fail() {
	echo "FAIL: $*"
	for g in a b; do
		echo "--- gateway $g:"
		cat "$work/dp_$g.out" "$work/dp_$g.err" 2>/dev/null | tail -40
	done
	exit 1
}

need_root() {
	if [[ $(id -u) -ne 0 ]]; then
		echo "SKIP: needs root for network namespaces"
		exit 77
	fi
	for tool in ip ping python3 ethtool; do
		if ! command -v "$tool" >/dev/null; then
			echo "SKIP: $tool is not installed"
			exit 77
		fi
	done
}

gw_quiet() {
	local ns=$1 v
	shift
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=0 || return 1
	for v in "$@"; do
		ip netns exec "$ns" sysctl -qw "net.ipv4.conf.$v.rp_filter=1" \
			"net.ipv4.conf.$v.arp_ignore=8" \
			"net.ipv6.conf.$v.disable_ipv6=1" || return 1
		ip -n "$ns" link set "$v" up || return 1
	done
	ip -n "$ns" link set lo up
}

host_up() {
	local ns=$1 addr=$2 gw=$3
	# Veths leave UDP checksums to absent hardware (see dp_slowpath.sh).
	ip netns exec "$ns" ethtool -K eth0 tx off >/dev/null || return 1
	ip -n "$ns" link set lo up
	ip -n "$ns" link set eth0 up
	ip -n "$ns" addr add "$addr" dev eth0
	ip -n "$ns" route add default via "$gw"
}

s2s_net() {
	for ns in "$HA" "$GA" "$GB" "$HB"; do
		ip netns add "$ns" || return 1
	done
	ip link add "alan$id" netns "$GA" type veth peer name eth0 \
		netns "$HA" || return 1
	ip link add "awan$id" netns "$GA" type veth peer name "bwan$id" \
		netns "$GB" || return 1
	ip link add "blan$id" netns "$GB" type veth peer name eth0 \
		netns "$HB" || return 1
	# B's private link: b_lan_mtu, as B's configuration has it for its
	# port (1280 in dp-s2s-b.conf.in, less than the tunnel carries).
	ip -n "$GB" link set "blan$id" mtu "${b_lan_mtu:-1500}" || return 1
	ip -n "$HB" link set eth0 mtu "${b_lan_mtu:-1500}" || return 1
	gw_quiet "$GA" "alan$id" "awan$id" || return 1
	gw_quiet "$GB" "blan$id" "bwan$id" || return 1
	host_up "$HA" 10.1.0.2/24 10.1.0.1 || return 1
	host_up "$HB" 10.2.0.2/24 10.2.0.1
}

s2s_config() {
	local g=$1 e=
	[[ $encap == natt ]] && e='encap_sport = 4500; encap_dport = 4500;'
	sed -e "s/@ID@/$id/g" -e "s/@ENCAP@/$e/" "$here/dp-s2s-$g.conf.in" \
		>"$work/$g.conf"
}

# start_gw a|b NS LCORES [CONF]: the program in the background, pid in
# pid_$1; CONF instead of dp-s2s-$1.conf.in when given.
start_gw() {
	local g=$1 ns=$2 lcores=$3 conf=${4:-} p
	[[ -n $conf ]] || { s2s_config "$g"; conf=$work/$g.conf; }
	ip netns exec "$ns" "$prog" --lcores "$lcores" --no-pci --no-huge \
		-m 256 --no-shconf --log-level=error \
		-- --config "$conf" \
		>"$work/dp_$g.out" 2>"$work/dp_$g.err" &
	p=$!
	eval "pid_$g=$p"
	wait_for 300 grep -q forwarding "$work/dp_$g.err"
}

tap_up() {
	local ns=$1 tap=$2 addr=$3
	wait_for 50 ip -n "$ns" link show "$tap" || return 1
	ip -n "$ns" link set "$tap" up && ip -n "$ns" addr add "$addr" dev "$tap"
}

s2s_setup() {
	s2s_net || fail "cannot build the namespaces"
	start_gw a "$GA" 0@0,1@1 || fail "gateway A did not come up"
	start_gw b "$GB" 0@0,1@1,2@0 || fail "gateway B did not come up"
	tap_up "$GA" "tawan$id" 192.0.2.1/24 &&
		tap_up "$GA" "talan$id" 10.1.0.1/24 &&
		tap_up "$GB" "tbwan$id" 192.0.2.2/24 &&
		tap_up "$GB" "tblan$id" 10.2.0.1/24 || fail "taps did not come up"
}

# Stop a gateway and keep its exit status in rc_$1 (fail after 20 s).
stop_gw() {
	local g=$1 p
	eval "p=\$pid_$g"
	kill -TERM "$p"
	wait_for 200 eval "! kill -0 $p" ||
		fail "gateway $g did not stop within 20 s of SIGTERM"
	wait "$p"
	eval "rc_$g=$?"
	eval "pid_$g="
}

# counter FILE NAME: the value of a "name value" line of the counters.
counter() {
	awk -v k="$2" '$1 == k { print $2; exit }' "$1"
}

# sa_packets a|b ID: packets of SA id (16 hex digits) at exit.
sa_packets() {
	awk -v id="$2" '$1 == "sa" && $2 == id && $3 == "packets" {
		print $4; exit }' "$work/dp_$1.out"
}

# flow FROM_NS DST SRC N: N datagrams to DST:5001 from SRC, counted at the
# other end (namespace TO_NS); sets got to the distinct count.
flow() {
	local from=$1 to=$2 dst=$3 n=$4 src=${5:-} out
	out="$work/recv.$RANDOM"
	ip netns exec "$to" python3 "$here/dp_flow.py" recv 5001 "$out" \
		"$out.ready" &
	bg_pids="$bg_pids $!"
	wait_for 100 test -e "$out.ready" || return 1
	ip netns exec "$from" python3 "$here/dp_flow.py" send "$dst" 5001 \
		"$n" 2 $src || return 1
	sleep 1
	touch "$out.stop"
	wait_for 50 test -s "$out" || return 1
	got=$(awk '{ print $2 }' "$out")
}
