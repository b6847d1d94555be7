# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# The network of espgw's integration tests and demo, in namespaces made
# and removed here.  Source it; it installs an EXIT trap that kills every
# process registered with netns_track and deletes every namespace it made,
# on every way out (success, failure, signal).
#
#                                     espgw (NS_GW)
#   [rw] eth0 203.0.113.2 ---- pub --- 203.0.113.1       10.10.0.1 --- priv
#                                                                        |
#   with --nat:                                          [office] eth0 10.10.0.2
#   [rw] eth0 192.168.77.2 -- [nat] in 192.168.77.1                 (+ .53, DNS)
#                                   out 203.0.113.2 masquerade -- pub
#
# The gateway comes in two kinds:
#   dpdk    the veths pub/priv in NS_GW carry no address: espgw-dataplane
#           owns them (af_packet) and the kernel answers only through its
#           taps TAP_PUB/TAP_PRIV, which netns_gw_taps_up addresses once
#           the data plane made them.  The kernel in NS_GW does not forward.
#   kernel  pub/priv carry the gateway's addresses and the kernel forwards,
#           but only between the office and the IPsec TUN device (ipsec0 of
#           strongSwan's kernel-libipsec): plaintext pub <-> priv is dropped.
#
# On the road warrior's own link, whatever leaves for the office or from
# the pool in clear is dropped too (WIRE filter), so no broken tunnel can
# pass a ping in plaintext, whatever the gateway does.

# shellcheck source=wait.sh
. "$(dirname "${BASH_SOURCE[0]}")/wait.sh"

NETNS_ID=${NETNS_ID:-$$}
NS_RW=esgw-rw-$NETNS_ID
NS_GW=esgw-gw-$NETNS_ID
NS_OFFICE=esgw-off-$NETNS_ID
NS_NAT=esgw-nat-$NETNS_ID
# Interface names in NS_GW (at most 15 characters).
IF_PUB=gpub$NETNS_ID
IF_PRIV=gpriv$NETNS_ID
TAP_PUB=tpub$NETNS_ID
TAP_PRIV=tpriv$NETNS_ID

# Addresses (RFC 5737 documentation ranges, the example's office).
PUB_PREFIX=24
GW_PUB=203.0.113.1
RW_PUB=203.0.113.2	# rw itself, or the NAT router's outside
NAT_IN=192.168.77.1
RW_NATTED=192.168.77.2
OFFICE_NET=10.10.0.0/24
GW_PRIV=10.10.0.1
OFFICE_HOST=10.10.0.2
OFFICE_DNS=10.10.0.53
POOL_NET=172.16.1.0/24

NETNS_MADE=()
NETNS_PIDS=()
NETNS_HOOKS=()
NETNS_NAT=0
NETNS_WORK=${NETNS_WORK:-}

# Kill PID: TERM, up to 5 s, then KILL.
netns_kill() {
	local p=$1 i
	kill -TERM "$p" 2>/dev/null || return 0
	for ((i = 0; i < 50; i++)); do
		kill -0 "$p" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$p" 2>/dev/null
	return 0
}

# Processes to stop on exit, newest first.
netns_track() { NETNS_PIDS=("$1" "${NETNS_PIDS[@]}"); }

# Functions run first on exit (a test's own cleanup: logs, daemons).
netns_on_cleanup() { NETNS_HOOKS+=("$1"); }

netns_cleanup() {
	local h p ns pid
	trap - EXIT
	for h in "${NETNS_HOOKS[@]}"; do
		"$h" || true
	done
	for p in "${NETNS_PIDS[@]}"; do
		netns_kill "$p"
	done
	# Anything else still running in our namespaces (a straggling ping,
	# a helper of a daemon) goes too, by its pid.
	for ns in "${NETNS_MADE[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			netns_kill "$pid"
		done
		ip netns del "$ns" 2>/dev/null
	done
	if [[ -n $NETNS_WORK && -z ${KEEP_WORK:-} ]]; then
		rm -rf "$NETNS_WORK"
	fi
}
trap netns_cleanup EXIT
trap 'exit 1' INT TERM HUP

# A scratch directory removed on exit (KEEP_WORK=1 keeps it).
netns_workdir() {
	NETNS_WORK=$(mktemp -d "${TMPDIR:-/tmp}/espgw-it.XXXXXX") || return 1
	chmod 755 "$NETNS_WORK"
}

# Run "$@" up to N times, a tenth of a second apart, until it succeeds.
netns_wait_for() { wait_for "$@"; }

# netns_wait_alive PID N COMMAND...: as netns_wait_for, but gives up as
# soon as PID has exited.
netns_wait_alive() {
	local pid=$1 n=$2 i
	shift 2
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# Exit 77 (skip) unless root with every tool named.
netns_require() {
	local t
	if [[ $(id -u) -ne 0 ]]; then
		echo "SKIP: needs root for network namespaces"
		exit 77
	fi
	for t in ip ping ethtool nft "$@"; do
		if ! command -v "$t" >/dev/null; then
			echo "SKIP: $t is not installed (scripts/install-deps.sh)"
			exit 77
		fi
	done
}

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

_netns_add() {
	ip netns add "$1" || return 1
	NETNS_MADE+=("$1")
	ip -n "$1" link set lo up
	# Reverse-path filtering would drop tunnelled packets whose source
	# (a virtual IP) the kernel routes elsewhere.
	nsx "$1" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
}

# A host end: address, up, no checksum offload (a veth leaves UDP sums to
# absent hardware, and af_packet would hand them on half done).
_netns_host_if() {
	local ns=$1 dev=$2 addr=$3
	nsx "$ns" ethtool -K "$dev" tx off >/dev/null || return 1
	nsx "$ns" sysctl -qw "net.ipv4.conf.$dev.rp_filter=0"
	ip -n "$ns" addr add "$addr" dev "$dev" &&
		ip -n "$ns" link set "$dev" up
}

# The road warrior's link may carry only IKE, ESP and UDP-encapsulated ESP
# towards the office or from the pool.
_netns_wire_filter() {
	local ns=$1 dev=$2
	nsx "$ns" nft -f - <<NFT
table inet espgw_wire {
	chain output_filter {
		type filter hook output priority 0; policy accept;
		oifname "$dev" ip daddr $OFFICE_NET counter drop
		oifname "$dev" ip saddr $POOL_NET counter drop
	}
	chain forward_filter {
		type filter hook forward priority 0; policy accept;
		ip daddr $OFFICE_NET counter drop
		ip saddr $POOL_NET counter drop
	}
}
NFT
}

_netns_rw() {
	_netns_add "$NS_RW" || return 1
	if ((NETNS_NAT)); then
		_netns_add "$NS_NAT" || return 1
		ip link add eth0 netns "$NS_RW" type veth peer name in \
			netns "$NS_NAT" || return 1
		_netns_host_if "$NS_RW" eth0 "$RW_NATTED/24" &&
			ip -n "$NS_RW" route add default via "$NAT_IN" &&
			_netns_host_if "$NS_NAT" in "$NAT_IN/24" || return 1
		nsx "$NS_NAT" sysctl -qw net.ipv4.ip_forward=1 || return 1
		_netns_wire_filter "$NS_NAT" out || return 1
		nsx "$NS_NAT" nft -f - <<NFT || return 1
table ip espgw_nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "out" counter masquerade
	}
}
NFT
	fi
	_netns_wire_filter "$NS_RW" eth0
}

_netns_office() {
	_netns_add "$NS_OFFICE" || return 1
	ip link add "$IF_PRIV" netns "$NS_GW" type veth peer name eth0 \
		netns "$NS_OFFICE" || return 1
	_netns_host_if "$NS_OFFICE" eth0 "$OFFICE_HOST/24" &&
		ip -n "$NS_OFFICE" addr add "$OFFICE_DNS/24" dev eth0 &&
		ip -n "$NS_OFFICE" route add default via "$GW_PRIV"
}

# The public link: rw (or nat's outside) to the gateway's pub.
_netns_pub() {
	local ns=$NS_RW dev=eth0
	if ((NETNS_NAT)); then
		ns=$NS_NAT
		dev=out
	fi
	ip link add "$IF_PUB" netns "$NS_GW" type veth peer name "$dev" \
		netns "$ns" || return 1
	_netns_host_if "$ns" "$dev" "$RW_PUB/$PUB_PREFIX" || return 1
	((NETNS_NAT)) || ip -n "$ns" route add default via "$GW_PUB"
}

# The kernel in gw neither forwards nor answers on the veths: that is the
# data plane's job (see dp_slowpath.sh for why each setting).
_netns_gw_dpdk() {
	local v
	nsx "$NS_GW" sysctl -qw net.ipv4.ip_forward=0 || return 1
	for v in "$IF_PUB" "$IF_PRIV"; do
		nsx "$NS_GW" sysctl -qw "net.ipv4.conf.$v.rp_filter=1" \
			"net.ipv4.conf.$v.arp_ignore=8" \
			"net.ipv6.conf.$v.disable_ipv6=1" || return 1
		ip -n "$NS_GW" link set "$v" up || return 1
	done
}

_netns_gw_kernel() {
	_netns_host_if "$NS_GW" "$IF_PUB" "$GW_PUB/$PUB_PREFIX" &&
		_netns_host_if "$NS_GW" "$IF_PRIV" "$GW_PRIV/24" || return 1
	nsx "$NS_GW" sysctl -qw net.ipv4.ip_forward=1 || return 1
	nsx "$NS_GW" nft -f - <<NFT
table inet espgw_gw {
	chain forward_filter {
		type filter hook forward priority 0; policy accept;
		iifname "$IF_PUB" counter drop
		oifname "$IF_PUB" counter drop
	}
}
NFT
}

# netns_setup dpdk|kernel [nat]: build the whole topology.
netns_setup() {
	local kind=$1
	[[ ${2:-} == nat ]] && NETNS_NAT=1
	_netns_add "$NS_GW" || return 1
	_netns_rw && _netns_office && _netns_pub || return 1
	case $kind in
	dpdk) _netns_gw_dpdk ;;
	kernel) _netns_gw_kernel ;;
	*) echo "netns_setup: dpdk or kernel, not '$kind'" >&2; return 1 ;;
	esac
}

# dpdk kind: once espgw-dataplane made its taps, give them the gateway's
# addresses (the data plane forwards; the kernel only answers).
netns_gw_taps_up() {
	local t
	for t in "$TAP_PUB" "$TAP_PRIV"; do
		netns_wait_for 100 ip -n "$NS_GW" link show "$t" || return 1
		ip -n "$NS_GW" link set "$t" up || return 1
	done
	ip -n "$NS_GW" addr add "$GW_PUB/$PUB_PREFIX" dev "$TAP_PUB" &&
		ip -n "$NS_GW" addr add "$GW_PRIV/24" dev "$TAP_PRIV"
}

# The office host needs no route to the pool: the gateway is its default.
# Packets counted by the WIRE filter's drop rules in NS (plaintext that a
# broken tunnel tried to send).
netns_wire_drops() {
	nsx "$1" nft list table inet espgw_wire 2>/dev/null |
		awk '/drop/ { for (i = 1; i < NF; i++)
				if ($i == "packets") n += $(i + 1) }
		     END { print n + 0 }'
}

# ---- espgw itself in NS_GW (dpdk kind) ----
# espgw_bins BUILD: the programs of a meson build directory.
espgw_bins() {
	ESPGW_DP=$1/dataplane/espgw-dataplane
	ESPGW_CONTROL=$1/control/espgw-control
	ESPGW_CTL=$1/control/espgwctl
	local b
	for b in "$ESPGW_DP" "$ESPGW_CONTROL" "$ESPGW_CTL"; do
		if [[ ! -x $b ]]; then
			echo "$b is missing: build with meson first" >&2
			return 1
		fi
	done
}

# The values e2e_roadwarrior.conf.template wants besides the PSK and ids.
espgw_conf_values() {
	echo "IF_PUB=$IF_PUB" "IF_PRIV=$IF_PRIV" "TAP_PUB=$TAP_PUB" \
		"TAP_PRIV=$TAP_PRIV" "CHANNEL=espgw-it-$NETNS_ID" \
		"CTL_SOCKET=$NETNS_WORK/espgwctl.sock"
}

espgw_ctl() {
	timeout 10 "$ESPGW_CTL" --socket "$NETNS_WORK/espgwctl.sock" "$@"
}

_espgw_channel_up() { espgw_ctl show channel | grep -q ': up$'; }

_espgw_died() { # PID NAME
	if kill -0 "$1" 2>/dev/null; then
		echo "$2 is running but not ready in time" >&2
	else
		wait "$1"
		echo "$2 exited with status $? before it was ready" >&2
	fi
}

# espgw_start CONF: the data plane (its taps addressed), then espgw-control;
# returns once espgw-control says the channel is up.  Logs in NETNS_WORK:
# dataplane.log (its counters at exit too), control.log.
espgw_start() {
	local conf=$1
	ip netns exec "$NS_GW" "$ESPGW_DP" -l 0,1 --no-pci --no-huge -m 256 \
		--no-shconf --file-prefix "espgw-it-$NETNS_ID" \
		--log-level=error -- --config "$conf" \
		>"$NETNS_WORK/dataplane.log" 2>&1 &
	ESPGW_DP_PID=$!
	netns_track "$ESPGW_DP_PID"
	# Up to 60 s: the EAL is slow to start on a loaded machine.
	netns_wait_alive "$ESPGW_DP_PID" 600 grep -q 'forwarding;' \
		"$NETNS_WORK/dataplane.log" || { _espgw_died "$ESPGW_DP_PID" \
			espgw-dataplane; return 1; }
	netns_gw_taps_up ||
		{ echo "espgw-dataplane's taps did not appear" >&2; return 1; }
	ip netns exec "$NS_GW" "$ESPGW_CONTROL" --config "$conf" \
		>"$NETNS_WORK/control.log" 2>&1 &
	ESPGW_CONTROL_PID=$!
	netns_track "$ESPGW_CONTROL_PID"
	netns_wait_alive "$ESPGW_CONTROL_PID" 200 _espgw_channel_up ||
		{ _espgw_died "$ESPGW_CONTROL_PID" espgw-control; return 1; }
}

# Stop both; fails if either exits with an error.
espgw_stop() {
	local rc=0 p
	for p in ${ESPGW_CONTROL_PID:-} ${ESPGW_DP_PID:-}; do
		kill -TERM "$p" 2>/dev/null || continue
		# wait returns the status; a bounded wait: KILL after 10 s
		( sleep 10; kill -KILL "$p" 2>/dev/null ) &
		local killer=$!
		wait "$p" || rc=1
		kill "$killer" 2>/dev/null
		wait "$killer" 2>/dev/null
	done
	ESPGW_CONTROL_PID=
	ESPGW_DP_PID=
	return $rc
}
