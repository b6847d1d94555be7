#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Messages per second through one shared-memory channel ring between two
# processes (goal: 5 million per second on 2 cores).  Builds the benchmark
# in a release build if needed, then runs it with 40-byte pings in bursts
# of 32 and of 1, and with full SA records.
#
#   scripts/bench-chan.sh [--json FILE] [chan_bench options...]
#
# BUILD names the build directory (default: build).  With --json, the
# first run (pings, burst 32, or what the options say) is written to FILE.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD:-build}
if [[ ! -f $build/build.ninja ]]; then
	meson setup "$build" --buildtype=release >/dev/null
fi
ninja -C "$build" test/integration/chan_bench >/dev/null
bench=$build/test/integration/chan_bench

"$bench" "$@"
if [[ $# -eq 0 ]]; then
	"$bench" --burst 1
	"$bench" --sa
fi
