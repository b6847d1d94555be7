#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# SAs over the channel while traffic flows, on the two gateways of
# dp_s2s_lib.sh, with dp_chan_ctl playing espgw-control.  Proves:
# (1) adding and deleting 100 SA pairs with policies for other flows on
# each gateway loses none of 3000 datagrams of a flow on an established
# (static) SA; (2) an SA pair and policy added over the channel carry a
# new flow, and COUNTER_REQ reports its packets; (3) once its SAs are
# deleted that flow stops, while the static one goes on; (4) bad records
# are refused with CMD_ERROR events; (5) the static SA's counters come back
# over the channel.
#
# usage: dp_chan.sh PATH/TO/espgw-dataplane PATH/TO/dp_chan_ctl.
# Exit 77 if not root.
set -u

prog=${1:?usage: dp_chan.sh espgw-dataplane dp_chan_ctl}
ctl=${2:?usage: dp_chan.sh espgw-dataplane dp_chan_ctl}
encap=esp
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=dp_s2s_lib.sh
. "$here/dp_s2s_lib.sh"
b_lan_mtu=1280 # as in dp-s2s-b.conf.in
need_root
trap s2s_cleanup EXIT
trap 'exit 1' INT TERM HUP

N=3000
s2s_setup
out=$(ip netns exec "$HA" ping -c 3 -i 0.2 -w 20 10.2.0.2 2>&1) ||
	fail "ping A -> B on the static SAs: $out"

# (1) the flow in the background, the churn in the foreground.
flow "$HA" "$HB" 10.2.0.2 $N >"$work/flow1" 2>&1 &
flow_pid=$!
sleep 0.5
"$ctl" "dpa$id" churn 100 || fail "(1) churn on gateway A"
"$ctl" "dpb$id" churn 100 || fail "(1) churn on gateway B"
wait $flow_pid || fail "(1) the flow did not run: $(cat "$work/flow1")"
got=$(awk '{ print $2 }' "$work"/recv.* | sort -n | tail -1)
((got == N)) || fail "(1) $got of $N datagrams arrived during the churn"
echo "ok 1 - 100 SA pairs added and deleted on each gateway, $got of $N" \
	"datagrams on the static SA arrived"
rm -f "$work"/recv.*

# (2) a pair for 10.1.0.3 <-> 10.2.0.3 over the channel.
ip -n "$HA" addr add 10.1.0.3/24 dev eth0
ip -n "$HB" addr add 10.2.0.3/24 dev eth0
"$ctl" "dpa$id" pair a add && "$ctl" "dpb$id" pair b add ||
	fail "(2) the SA pair was refused"
out=$(ip netns exec "$HA" ping -I 10.1.0.3 -c 3 -i 0.2 -w 20 10.2.0.3 2>&1) ||
	fail "(2) ping over the channel's SAs: $out"
flow "$HA" "$HB" 10.2.0.3 200 10.1.0.3 || fail "(2) the flow did not run"
((got == 200)) || fail "(2) $got of 200 datagrams on the new SAs"
"$ctl" "dpa$id" counters 501 203 || fail "(2) counters of SA 0x501"
echo "ok 2 - SAs from the channel carry 10.1.0.3 -> 10.2.0.3 ($got of 200)"

# (3) delete A's SAs: the policy stays and now discards.
"$ctl" "dpa$id" pair a del || fail "(3) deleting the pair was refused"
flow "$HA" "$HB" 10.2.0.3 100 10.1.0.3 || fail "(3) the flow did not run"
((got == 0)) || fail "(3) $got datagrams crossed a deleted SA"
flow "$HA" "$HB" 10.2.0.2 100 || fail "(3) the static flow did not run"
((got == 100)) || fail "(3) static flow: $got of 100 after the delete"
echo "ok 3 - a deleted SA passes nothing; the static SA still does"

# (4) refusals.
"$ctl" "dpa$id" bad || fail "(4) a bad command was not refused as expected"
echo "ok 4 - duplicate SPI, reserved SPI and unknown id refused"

# (5) the static outbound SA of A: 1 << 63 + 1.
"$ctl" "dpa$id" counters 8000000000000001 $((N + 100)) ||
	fail "(5) counters of the static SA"
echo "ok 5 - counters of the static SA over the channel"

stop_gw a
stop_gw b
((rc_a == 0 && rc_b == 0)) || fail "exit status A $rc_a, B $rc_b"
echo "5 passed, 0 failed"
