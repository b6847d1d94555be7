#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# ESP per worker against the raw crypto ceiling of the same core (issue 3,
# "Benchmark").  One run measures, on the same machine and one after the
# other:
#  - raw: dpdk-test-crypto-perf --ptest throughput on --vdev crypto_aesni_mb
#    with one worker lcore, for each suite and the ESP ciphertext size of
#    each frame (esp_bench --sizes): cipher-then-auth (encrypt, generate)
#    for encap, auth-then-cipher (verify, decrypt) for decap, AEAD
#    encrypt/decrypt with 8 bytes of AAD (SPI, 32-bit sequence number) for
#    GCM.  Best of RAW_RUNS runs (default 5, as esp_bench takes the best
#    of 5 slices; other load on the machine only ever lowers a figure).
#  - espgw: test/bench/esp_bench, the ESP core on bursts of mbufs, one lcore
#    per worker; its header says what is timed and how decap gets fresh
#    sequence numbers.
# and prints them side by side with their ratio.
#
#   scripts/bench-esp.sh [--quick] [--json FILE] [esp_bench options...]
#
# esp_bench options: --algo cbc,gcm --frames 64,512,1400 --sas 1,10000
# --workers 1,2 --dir encap,decap --burst 32 --mem huge|4k (defaults shown;
# --mem defaults to hugepages when 256 are free, else 4 KiB pages).
# --quick: 3 short slices and 3 short raw runs, about a minute on an idle
# machine; rougher figures.
# BUILD names the build directory (default build-bench; made as a release
# build if missing).  Needs two CPUs (crypto-perf wants a main lcore and a
# worker lcore).
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD:-build-bench}
perf=${CRYPTO_PERF:-dpdk-test-crypto-perf}
raw_runs=${RAW_RUNS:-5}
raw_seconds=0.3
slice=(--slice 0.2 --slices 5)
args=()
json=
while [[ $# -gt 0 ]]; do
	case $1 in
	--quick) raw_runs=3; raw_seconds=0.1; slice=(--slice 0.05 --slices 3) ;;
	--json) json=$2; shift ;;
	--mem) mem=$2; shift ;;
	*) args+=("$1") ;;
	esac
	shift
done

if ! command -v "$perf" >/dev/null; then
	echo "bench-esp: $perf not found (Debian: apt-get install dpdk-dev)" >&2
	exit 1
fi
if [[ ! -f $build/build.ninja ]]; then
	meson setup "$build" --buildtype=release >/dev/null
fi
ninja -C "$build" test/bench/esp_bench >/dev/null
bench=$build/test/bench/esp_bench

# The same memory for both programs: hugepages if enough are free.
if [[ -z ${mem:-} ]]; then
	mem=4k
	if awk '/^HugePages_Free/ { exit !($2 >= 256) }' /proc/meminfo; then
		mem=huge
	fi
fi
if [[ $mem == huge ]]; then
	eal_mem=(--in-memory)
else
	eal_mem=(--no-huge -m 512 --no-shconf)
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# crypto-perf needs a test-vector file for verify; the bytes are random:
# it decrypts in place and reuses its buffers, so after the first pass the
# tag check fails anyway, at the same cost as one that succeeds.
hexlist() {
	od -An -tx1 -v -N "$1" /dev/urandom | tr -s ' \n' ' ' |
		sed 's/^ //; s/ $//; s/\([0-9a-f][0-9a-f]\)/0x\1,/g; s/,$//'
	echo
}
for kv in plaintext:2048 ciphertext:2048 cipher_key:32 cipher_iv:16 \
	auth_key:64 aead_key:32 aead_iv:12 aad:16 digest:64; do
	echo "${kv%%:*} ="
	hexlist "${kv##*:}"
done >"$tmp/vectors"

# The operation flags for a direction and a suite.
perf_op() {
	case $1/$2 in
	encap/cbc) echo --optype cipher-then-auth --cipher-algo aes-cbc \
		--cipher-op encrypt --cipher-key-sz 32 --cipher-iv-sz 16 \
		--auth-algo sha2-256-hmac --auth-op generate --auth-key-sz 32 \
		--digest-sz 16 ;;
	decap/cbc) echo --optype auth-then-cipher --cipher-algo aes-cbc \
		--cipher-op decrypt --cipher-key-sz 32 --cipher-iv-sz 16 \
		--auth-algo sha2-256-hmac --auth-op verify --auth-key-sz 32 \
		--digest-sz 16 ;;
	encap/gcm) echo --optype aead --aead-algo aes-gcm --aead-op encrypt \
		--aead-key-sz 32 --aead-iv-sz 12 --aead-aad-sz 8 \
		--digest-sz 16 ;;
	decap/gcm) echo --optype aead --aead-algo aes-gcm --aead-op decrypt \
		--aead-key-sz 32 --aead-iv-sz 12 --aead-aad-sz 8 \
		--digest-sz 16 ;;
	esac
}

# Mops of one crypto-perf run (field 8 of its CSV line), or nothing.
perf_run() {
	local dir=$1 suite=$2 buf=$3 ops
	# About raw_seconds of work at a guessed 300 + 2.5 cycles per byte.
	ops=$(awk -v s="$raw_seconds" -v b="$buf" \
		'BEGIN { printf "%d", s * 2.4e9 / (300 + 2.5 * b) }')
	# shellcheck disable=SC2046
	"$perf" "${eal_mem[@]}" --file-prefix "espgw-bench-$$" -l 0,1 \
		--no-pci --vdev crypto_aesni_mb --log-level=error -- \
		--ptest throughput --devtype crypto_aesni_mb \
		$(perf_op "$dir" "$suite") --buffer-sz "$buf" --burst-sz 32 \
		--total-ops "$ops" --test-file "$tmp/vectors" --csv-friendly \
		--silent </dev/null 2>"$tmp/perf.err" |
		awk -F, '$1 ~ /^[0-9]+$/ && NF >= 10 { print $8 }'
}

# One case (direction, suite, frame) at a time: its raw figure, then
# espgw's, seconds apart, so that a machine whose load changes still
# compares like with like.
echo "raw: $perf, crypto_aesni_mb, one worker lcore, best of $raw_runs;" \
	"memory: $mem pages; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" --sizes "${args[@]}" >"$tmp/sizes"
intro=()
n=0
while read -r dir suite frame buf; do
	best=0
	for ((i = 0; i < raw_runs; i++)); do
		m=$(perf_run "$dir" "$suite" "$buf") || m=
		if [[ -z $m ]]; then
			echo "bench-esp: crypto-perf failed for $dir $suite" \
				"$buf:" >&2
			cat "$tmp/perf.err" >&2
			exit 1
		fi
		best=$(awk -v a="$best" -v b="$m" \
			'BEGIN { print (b > a) ? b : a }')
	done
	echo "$dir $suite $buf $best" >"$tmp/raw"
	n=$((n + 1))
	"$bench" --raw "$tmp/raw" --mem "$mem" "${slice[@]}" "${args[@]}" \
		--dir "$dir" --algo "$suite" --frames "$frame" \
		--json "$tmp/part-$n.json" "${intro[@]}"
	intro=(--no-intro)
done <"$tmp/sizes"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ -n $json ]]; then
	jq -s add "$tmp"/part-*.json >"$json"
fi
