#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs what is needed, builds espgw twice (release, and with
# AddressSanitizer and UndefinedBehaviorSanitizer) and runs every test in
# both builds.  Run as root on Debian 12: the integration tests create
# network namespaces.  Exits non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

setup() { # build-dir meson-options...
	local dir=$1
	shift
	if [[ -d $dir ]]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
	ninja -C "$dir"
}

setup build --buildtype=release
setup build-asan --buildtype=debug -Db_sanitize=address,undefined \
	-Db_lundef=false

status=0
meson test -C build --print-errorlogs --num-processes 2 || status=1
# ASan's leak checker and DPDK both want to see the whole address space;
# abort on the first UBSan report so that it fails the test.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --print-errorlogs --num-processes 2 \
	--timeout-multiplier 3 || status=1

# One closing line over both builds, from meson's own logs.
scripts/test-summary.py build/meson-logs/testlog.json \
	build-asan/meson-logs/testlog.json || status=1
exit $status
