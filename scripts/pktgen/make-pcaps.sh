#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# pcap files for pktgen-dpdk's -s option: cleartext and ESP frames of 64,
# 512 and 1400 bytes for the road warrior of bench-static.conf (see README).
#
#   scripts/pktgen/make-pcaps.sh [OUTDIR] [esp_pcap options...]
#
# Writes OUTDIR/clear-SIZE.pcap and OUTDIR/esp-SIZE.pcap (default OUTDIR:
# pcap/).  Options go to esp_pcap, e.g. --gw-mac and --peer-mac for your
# NICs, --count N (default 10000), --config FILE --sa NAME for your own
# static SA.  BUILD names the build directory (default build-bench).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."

out=${1:-pcap}
[[ $# -gt 0 ]] && shift
build=${BUILD:-build-bench}
if [[ ! -f $build/build.ninja ]]; then
	meson setup "$build" --buildtype=release >/dev/null
fi
ninja -C "$build" test/bench/esp_pcap >/dev/null
mkdir -p "$out"
for size in 64 512 1400; do
	"$build/test/bench/esp_pcap" --config "$here/bench-static.conf" \
		--sa rw1-in --frame "$size" --clear "$out/clear-$size.pcap" \
		--esp "$out/esp-$size.pcap" "$@"
done
