#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Site-to-site with static SAs: two espgw-dataplane gateways (topology in
# dp_s2s_lib.sh, SAs in dp-s2s-[ab].conf.in).  Proves, in both directions:
# (1) ping crosses; (2) a UDP flow of 500 datagrams crosses without loss;
# (3) packets too big for the tunnel without DF are fragmented before
# ESP; (4) with DF they get an ICMP "fragmentation needed" with the
# tunnel's MTU from gateway A, then one with the 1280 of B's private port
# from B, back through the tunnel, and 1280 bytes cross; (5) on the link
# between the gateways every frame is ESP (or ESP in UDP 4500 with
# "natt"), none carries the hosts' addresses in clear; (6) the gateways'
# per-SA counters saw the packets; (7) gateway A counted its fragments
# and ICMP errors, B its ICMP error.
#
# usage: dp_s2s.sh PATH/TO/espgw-dataplane [natt].  Exit 77 if not root.
set -u

prog=${1:?usage: dp_s2s.sh espgw-dataplane [natt]}
encap=${2:-esp}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=dp_s2s_lib.sh
. "$here/dp_s2s_lib.sh"
b_lan_mtu=1280 # as in dp-s2s-b.conf.in
need_root
trap s2s_cleanup EXIT
trap 'exit 1' INT TERM HUP

N=500
s2s_setup
# af_packet transmits past the kernel's taps (qdisc bypass): each end of
# the link sees what the other gateway sent.
for side in "$GA awan$id" "$GB bwan$id"; do
	read -r ns ifc <<<"$side"
	ip netns exec "$ns" python3 "$here/dp_flow.py" capture "$ifc" \
		"$work/cap.$ifc" "$work/cap.$ifc.ready" &
	bg_pids="$bg_pids $!"
	wait_for 100 test -e "$work/cap.$ifc.ready" ||
		fail "the capture did not start"
done

# The first echo request finds next hops unresolved on both gateways:
# held, not lost (ping -w would send more, and say so).
out=$(ip netns exec "$HA" ping -c 5 -i 0.2 -w 20 10.2.0.2 2>&1) ||
	fail "(1) ping A -> B: $out"
grep -q ' 0% packet loss' <<<"$out" || fail "(1) loss A -> B: $out"
out=$(ip netns exec "$HB" ping -c 5 -i 0.2 -w 20 10.1.0.2 2>&1) ||
	fail "(1) ping B -> A: $out"
grep -q ' 0% packet loss' <<<"$out" || fail "(1) loss B -> A: $out"
echo "ok 1 - ping crosses both ways, none lost ($encap)"

flow "$HA" "$HB" 10.2.0.2 $N || fail "(2) the flow A -> B did not run"
((got == N)) || fail "(2) A -> B: $got of $N datagrams arrived"
flow "$HB" "$HA" 10.1.0.2 $N || fail "(2) the flow B -> A did not run"
((got == N)) || fail "(2) B -> A: $got of $N datagrams arrived"
echo "ok 2 - $N datagrams each way, none lost"

# 1500-byte packets do not fit the tunnel whole (1500-byte MTU on the
# link).  Without DF gateway A cuts them before ESP and host B
# reassembles; with DF A answers "fragmentation needed" with the MTU the
# tunnel carries, and packets of that size then cross whole.
out=$(ip netns exec "$HA" ping -M dont -s 1472 -c 3 -i 0.2 -w 20 \
	10.2.0.2 2>&1) || fail "(3) 1500-byte ping without DF: $out"
grep -q ' 0% packet loss' <<<"$out" || fail "(3) loss: $out"
out=$(ip netns exec "$HA" ping -M do -s 1472 -c 1 -W 2 10.2.0.2 2>&1)
mtu=$(sed -n 's/.*Frag needed and DF set (mtu = \([0-9]*\)).*/\1/p' \
	<<<"$out" | head -n 1)
((${mtu:-0} > 1300 && mtu < 1500)) ||
	fail "(4) no 'fragmentation needed' from gateway A: $out"
grep -q 'From 10.1.0.1 ' <<<"$out" || fail "(4) not from A's address: $out"
# Those fit the tunnel but not B's private port (MTU 1280): B answers
# into the tunnel, as the error may not go in clear ((5) checks).
out=$(ip netns exec "$HA" ping -M do -s $((mtu - 28)) -c 1 -W 2 \
	10.2.0.2 2>&1)
grep -q 'From 10.2.0.1 .*Frag needed and DF set (mtu = 1280)' <<<"$out" ||
	fail "(4) no 'fragmentation needed' (1280) from B at $mtu: $out"
out=$(ip netns exec "$HA" ping -M do -s 1252 -c 3 -i 0.2 -w 20 \
	10.2.0.2 2>&1) || fail "(4) ping of 1280 bytes: $out"
grep -q ' 0% packet loss' <<<"$out" || fail "(4) loss at 1280: $out"
echo "ok 3 - without DF, 1500-byte pings fragmented before ESP, none lost"
echo "ok 4 - with DF, 'fragmentation needed' (mtu $mtu) from gateway A," \
	"then (mtu 1280) from B through the tunnel; 1280 bytes cross"

esp=0 udp=0 clear=0 other=0
for ifc in "awan$id" "bwan$id"; do
	touch "$work/cap.$ifc.stop"
	wait_for 50 test -s "$work/cap.$ifc" || fail "(5) no capture summary"
	read -r _ e _ u _ c _ o <"$work/cap.$ifc"
	((esp += e, udp += u, clear += c, other += o))
done
want=$((2 * N + 20))
if [[ $encap == natt ]]; then
	((udp >= want && esp == 0)) ||
		fail "(5) ESP in UDP $udp (want >= $want), bare ESP $esp"
else
	((esp >= want && udp == 0)) ||
		fail "(5) ESP $esp (want >= $want), ESP in UDP $udp"
fi
((clear == 0)) || fail "(5) $clear frames with inner addresses in clear"
echo "ok 5 - link between gateways: esp $esp, udp4500 $udp, clear $clear," \
	"other $other"

stop_gw a
stop_gw b
((rc_a == 0 && rc_b == 0)) || fail "exit status A $rc_a, B $rc_b"
# Static SA ids: 1 << 63 plus the SA's place in the file, from 1.
a_out=$(sa_packets a 8000000000000001)
a_in=$(sa_packets a 8000000000000002)
b_out=$(sa_packets b 8000000000000001)
b_in=$(sa_packets b 8000000000000002)
for v in "$a_out" "$a_in" "$b_out" "$b_in"; do
	((${v:-0} >= N + 10)) || fail "(6) SA counters A out $a_out in $a_in," \
		"B out $b_out in $b_in; want >= $((N + 10)) each"
done
# A packet protected while the next hop is still unresolved waits for it
# (held by the data plane), so every packet one side sent, the other took.
((b_in == a_out && a_in == b_out)) ||
	fail "(6) A sent $a_out, B took $b_in; B sent $b_out, A took $a_in"
echo "ok 6 - SA counters: A out $a_out in $a_in, B out $b_out in $b_in;" \
	"B hand-offs $(counter "$work/dp_b.out" esp_handoff)"
frag=$(counter "$work/dp_a.out" fragmented)
icmp=$(counter "$work/dp_a.out" icmp_too_big)
icmp_b=$(counter "$work/dp_b.out" icmp_too_big)
((${frag:-0} >= 3 && ${icmp:-0} >= 1 && ${icmp_b:-0} >= 1)) ||
	fail "(7) A fragmented ${frag:-0} (want >= 3), sent ${icmp:-0}" \
		"ICMP; B sent ${icmp_b:-0}"
echo "ok 7 - counters: A fragmented $frag, icmp_too_big $icmp; B" \
	"icmp_too_big $icmp_b"
echo "7 passed, 0 failed"
