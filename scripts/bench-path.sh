#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The whole worker path of espgw-dataplane, encapsulating: the real
# program, one worker, cleartext frames in on a net_pcap port that replays
# a capture from memory (infinite_rx), ESP out on a net_null port that
# drops what it is given.  Every packet goes through RX, classification,
# the outbound SPD, ESP, the route and neighbour lookups and TX, exactly
# as on a NIC; only the wire is missing.  Not a test.
#
#   scripts/bench-path.sh [--frames 64,512,1400] [--seconds S] [--json FILE]
#
# For each frame size it prints, measured one after the other in this
# run: the path's Mpps; the ESP core alone on the same core
# (scripts/bench-esp.sh --quick, esp_bench encap, 1 SA), and the raw crypto
# ceiling from dpdk-test-crypto-perf with crypto_aesni_mb that bench-esp.sh
# measures next to it; and the ratios path/raw and path/core.  The
# gateway is scripts/pktgen/bench-static.conf with its two PCI ports
# replaced by the vdevs and its next hop pinned (dataplane.neighbours), so
# nothing answers ARP.
#
# Decapsulation is not measured this way: a replayed capture repeats its
# sequence numbers, and from its second pass every packet is a replay
# dropped before the ICV; scripts/bench-esp.sh measures decap with fresh
# sequence numbers.  BUILD names the build directory (default
# build-bench).  As root (the slow-path taps).  Needs two CPUs.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD:-build-bench}
frames=64,512,1400
seconds=3
json=
while [[ $# -gt 0 ]]; do
	case $1 in
	--frames) frames=$2; shift ;;
	--seconds) seconds=$2; shift ;;
	--json) json=$2; shift ;;
	*) echo "usage: $0 [--frames LIST] [--seconds S] [--json FILE]" >&2
	   exit 2 ;;
	esac
	shift
done
if [[ $(id -u) != 0 ]]; then
	echo "bench-path: run as root (the data plane makes tap ports)" >&2
	exit 1
fi
if [[ ! -f $build/build.ninja ]]; then
	meson setup "$build" --buildtype=release >/dev/null
fi
ninja -C "$build" dataplane/espgw-dataplane test/bench/esp_pcap >/dev/null

tmp=$(mktemp -d /tmp/bp.XXXXXX) # short: the vdev string has 127 bytes
dp_pid=
cleanup() {
	[[ -n $dp_pid ]] && kill -KILL "$dp_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# The gateway on vdevs.  The frames are broadcast at layer 2: net_pcap's
# MAC is the PMD's choice, and a broadcast frame is one the port takes.
gateway_conf() {
	local pcap=$1
	sed -e "s|device = \"0000:03:00.0\";|device = \"net_null0,no-rx=1\"; \
slow_path = \"bpwan$$\";|" \
	    -e "s|device = \"0000:03:00.1\";|device = \"net_pcap0,rx_pcap=$pcap,\
infinite_rx=1,tx_pcap=/dev/null,tx_pcap=/dev/null\"; \
slow_path = \"bplan$$\";|" \
	    -e "s|^\troutes = (|\tneighbours = ( { address = \"203.0.113.254\"; \
mac_address = \"02:00:00:00:00:fe\"; } );\n\troutes = (|" \
	    -e "s|^\tworkers = \[ 1 \];|&\n\tchannel = \"bench-path-$$\";|" \
	    scripts/pktgen/bench-static.conf
}

# Packets that left the wan port, and the seconds the workers forwarded,
# from the "forwarding" line to SIGINT.
run_path() {
	local conf=$1 out=$tmp/dp.out t0 t1 n
	: >"$out"
	"$build/dataplane/espgw-dataplane" -l 0,1 --no-pci --no-huge -m 512 \
		--no-shconf --file-prefix "bench-path-$$" -- --config "$conf" \
		>"$out" 2>&1 &
	dp_pid=$!
	for ((n = 0; n < 200; n++)); do
		grep -q "forwarding;" "$out" && break
		kill -0 "$dp_pid" 2>/dev/null || break
		sleep 0.05
	done
	if ! grep -q "forwarding;" "$out"; then
		cat "$out" >&2
		echo "bench-path: espgw-dataplane did not start" >&2
		exit 1
	fi
	t0=$(date +%s.%N)
	sleep "$seconds"
	t1=$(date +%s.%N)
	kill -INT "$dp_pid"
	for ((n = 0; n < 100; n++)); do
		kill -0 "$dp_pid" 2>/dev/null || break
		sleep 0.1
	done
	wait "$dp_pid" 2>/dev/null || true
	dp_pid=
	if grep -q "^port.lan.rx_packets" "$out" &&
	   ! awk '/^port.wan.tx_packets/ { tx = $2 }
		  /^sa 8000000000000001 / { ok = ($8 == 0) }
		  END { exit !(tx > 0 && ok) }' "$out"; then
		grep -v "^EAL" "$out" >&2
		echo "bench-path: ESP did not leave, or packets were dropped" >&2
		exit 1
	fi
	awk -v t0="$t0" -v t1="$t1" '/^port.wan.tx_packets/ {
		printf "%.3f\n", $2 / (t1 - t0) / 1e6 }' "$out"
}

# The ESP core and the raw ceiling for one frame size, from bench-esp.sh.
core_and_raw() {
	scripts/bench-esp.sh --quick --algo cbc --dir encap --sas 1 \
		--workers 1 --frames "$1" --json "$tmp/esp.json" >/dev/null
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
r = r[0] if isinstance(r, list) else r
print(r["mpps"], r["raw_mpps"])' "$tmp/esp.json"
}

echo "espgw-dataplane, 1 worker, aes-256-cbc+hmac-sha256-128 tunnel, 1 SA;" \
	"load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %10s %10s %10s %9s %9s\n' frame path_Mpps core_Mpps \
	raw_Mpps path/raw path/core
rows=()
IFS=, read -ra sizes <<<"$frames"
for f in "${sizes[@]}"; do
	"$build/test/bench/esp_pcap" --config scripts/pktgen/bench-static.conf \
		--sa rw1-in --frame "$f" --count 256 --gw-mac ff:ff:ff:ff:ff:ff \
		--clear "$tmp/c$f.pcap" --esp "$tmp/e$f.pcap" >/dev/null
	gateway_conf "$tmp/c$f.pcap" >"$tmp/gw.conf"
	path=$(run_path "$tmp/gw.conf")
	read -r core raw < <(core_and_raw "$f")
	awk -v f="$f" -v p="$path" -v c="$core" -v r="$raw" 'BEGIN {
		printf "%-6s %10.3f %10.3f %10.3f %9.2f %9.2f\n", f, p, c, r,
			p / r, p / c }'
	rows+=("$(awk -v f="$f" -v p="$path" -v c="$core" -v r="$raw" 'BEGIN {
		printf "{\"direction\": \"encap\", \"path\": \"worker\", " \
			"\"frame\": %d, \"sas\": 1, \"workers\": 1, " \
			"\"mpps\": %.4f, \"core_mpps\": %.4f, " \
			"\"raw_mpps\": %.4f, \"ratio\": %.4f}", f, p, c, r,
			p / r }')")
done
if [[ -n $json ]]; then
	(IFS=,; echo "[${rows[*]}]") | python3 -m json.tool >"$json"
fi
