#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# IKEv2 benchmark of espgw-control (goals on 2 cores: 1,000 complete
# IKE_SA + CHILD_SA setups per second with modp2048, 100,000 IKE SAs held).
#
#   scripts/bench-ike.sh [--json FILE] [--setups N] [--repeat R]
#                        [--hold N] [--window W] [--hold-group G] [--quick]
#
# Builds espgw-control, espgwctl and the load initiator test/bench/ike_load
# in a release build (BUILD, default "build"; a sanitizer or debug build is
# refused), writes a benchmark configuration into a temporary directory (a
# pool of 262,142 addresses, a PSK, the DH group under test, DPD off, its
# own control socket and channel), and for each test starts espgw-control
# on 127.0.0.1, runs ike_load against it and stops it again:
#   rate modp2048     N setups (default 10,000), W in flight (default 64),
#                     R times (default 3): other load on the machine only
#                     ever slows a run down, so the best run counts
#   rate curve25519   the same with curve25519 as the IKE DH group
#   hold              N IKE SAs (default 100,000) established and kept;
#                     espgw-control's VmRSS before and after, per IKE SA
# ike_load stands in for the data plane on the channel and drains the SA
# commands, so they do not stay in espgw-control's memory (dp_link's
# backlog); espgwctl confirms how many IKE SAs espgw-control holds.  Each
# run also reports the CPU time espgw-control spent per setup, a figure
# that other load on a shared machine disturbs far less than setups/s.
#
# As root with unshare(1), everything runs in a network namespace of its
# own (port 500 is then free whatever else runs); otherwise on the host's
# loopback, which needs port 500 free and root anyway to bind it.
# --quick: 2,000 setups once and 5,000 held, to check the script.
set -euo pipefail
self=$(realpath "$0")
here=$PWD
cd "$(dirname "$self")/.."

json='' setups=10000 repeat=3 hold=100000 window=64 hold_group=curve25519
while [[ $# -gt 0 ]]; do
	case $1 in
	--json) json=$2; shift 2 ;;
	--setups) setups=$2; shift 2 ;;
	--repeat) repeat=$2; shift 2 ;;
	--hold) hold=$2; shift 2 ;;
	--window) window=$2; shift 2 ;;
	--hold-group) hold_group=$2; shift 2 ;;
	--quick) setups=2000 repeat=1 hold=5000; shift ;;
	-h|--help) sed -n '3,30p' "$self"; exit 0 ;;
	*) echo "bench-ike: unknown option $1" >&2; exit 2 ;;
	esac
done
[[ -z $json || $json == /* ]] || json=$here/$json

build=${BUILD:-build}

# Re-run inside a network namespace of our own when we can.
if [[ -z ${BENCH_IKE_INNER:-} && $(id -u) == 0 ]] &&
	unshare -n true 2>/dev/null; then
	exec env BENCH_IKE_INNER=1 BUILD="$build" unshare -n "$self" \
		--setups "$setups" --repeat "$repeat" --hold "$hold" \
		--window "$window" \
		--hold-group "$hold_group" ${json:+--json "$json"}
fi
[[ -n ${BENCH_IKE_INNER:-} ]] && ip link set lo up

release_check() {
	meson introspect "$build" --buildoptions | python3 -c '
import json, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
bad = o["buildtype"] not in ("release", "plain") or o["b_sanitize"] != "none"
sys.exit("bench-ike: %s is a %s build with sanitize=%s; use a release build"
	% (sys.argv[1], o["buildtype"], o["b_sanitize"]) if bad else 0)' "$build"
}
if [[ ! -f $build/build.ninja ]]; then
	meson setup "$build" --buildtype=release >/dev/null
fi
release_check
ninja -C "$build" control/espgw-control control/espgwctl \
	test/bench/ike_load >/dev/null
control=$build/control/espgw-control
ctl=$build/control/espgwctl
load=$build/test/bench/ike_load

dir=$(mktemp -d /tmp/bench-ike.XXXXXX)
chan=ikebench-$$
pid=
stop_control() {
	[[ -n $pid ]] || return 0
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=
}
cleanup() {
	stop_control
	rm -rf "$dir"
	rm -f "/dev/shm/espgw-$chan"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A PSK of mixed kinds, as the configuration check wants; never printed.
# It and the configuration stay in $dir, mode 0700 (mktemp).
printf 'Bk7+%s\n' "$(head -c 24 /dev/urandom | base64 | tr -d '\n')" \
	> "$dir/psk"

write_conf() { # GROUP
	cat > "$dir/gw.conf" <<EOF
# espgw-control for scripts/bench-ike.sh: road warriors with a PSK, an
# address each from a big pool, ESP aes256-sha256 without PFS, no DPD
# (the load initiator answers no liveness checks).
ipsec = {
	pools = ( { name = "pool-bench";
		ranges = [ "10.64.0.1-10.67.255.254" ]; } );
	mode_configs = ( { name = "mc-bench"; address_pool = "pool-bench";
		system_dns = false; } );
	proposals = ( { name = "esp-bench"; auth_algorithms = "sha256";
		enc_algorithms = "aes-256-cbc"; pfs_group = "none";
		lifetime = "8h"; } );
	policy_groups = ( { name = "bench-group"; } );
	profiles = ( { name = "ike-bench"; hash_algorithm = "sha256";
		enc_algorithm = "aes-256"; dh_group = "$1";
		lifetime = "1d"; dpd_interval = "disable-dpd"; } );
	policies = ( { template = true; group = "bench-group";
		proposal = "esp-bench"; src_address = "0.0.0.0/0";
		dst_address = "0.0.0.0/0"; } );
	peers = ( { name = "bench-peer"; passive = true;
		profile = "ike-bench"; } );
	identities = ( { peer = "bench-peer"; secret = "$(cat "$dir/psk")";
		generate_policy = "port-strict"; mode_config = "mc-bench";
		policy_template_group = "bench-group"; } );
};
dataplane = {
	ports = ( { name = "wan"; role = "public"; device = "net_null0";
		addresses = [ "127.0.0.1/8" ]; } );
	channel = "$chan";
};
control = {
	ctl_socket = "$dir/ctl.sock";
	log_level = "warn";
	ike_addresses = [ "127.0.0.1" ];
};
EOF
	"$ctl" --config "$dir/gw.conf" check >/dev/null
}

start_control() {
	rm -f "$dir/ctl.sock"
	"$control" -c "$dir/gw.conf" 2> "$dir/control.log" &
	pid=$!
	for _ in $(seq 100); do
		[[ -S $dir/ctl.sock ]] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	cat "$dir/control.log" >&2
	echo "bench-ike: espgw-control did not start" >&2
	exit 1
}

# One test: NAME GROUP ike_load-mode N.
runs=()
run_test() {
	local name=$1 group=$2 mode=$3 n=$4 out=$dir/$1.json rc=0
	local w=$window
	[[ $w -le $n ]] || w=$n
	write_conf "$group"
	start_control
	echo "== $name: $n setups, $group, window $w"
	"$load" --psk-file "$dir/psk" "$mode" "$n" --group "$group" \
		--window "$w" --pid "$pid" --channel "$chan" \
		--json "$out" || rc=$?
	# What espgw-control itself counts and holds.
	"$ctl" -s "$dir/ctl.sock" --json show ike > "$dir/$name.ike" || true
	"$ctl" -s "$dir/ctl.sock" --json show channel > "$dir/$name.chan" ||
		true
	python3 - "$out" "$dir/$name.ike" "$dir/$name.chan" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
def load(path):
	try:
		return json.load(open(path))
	except ValueError:
		return {}
ike, chan = load(sys.argv[2]), load(sys.argv[3])
r["responder_ike_sas"] = ike.get("ike_sas")
r["responder_established"] = ike.get("established")
r["responder_channel_backlog"] = chan.get("backlog")
json.dump(r, open(sys.argv[1], "w"), indent=1)
print("  espgw-control: %s IKE SAs, %s established, %s half-open; "
      "channel backlog %s, dropped %s"
      % (ike.get("ike_sas"), ike.get("established"), ike.get("half_open"),
	 chan.get("backlog"), chan.get("dropped")))
EOF
	stop_control
	[[ $rc -le 1 ]] || { cat "$dir/control.log" >&2; exit 1; }
	runs+=("$out")
}

for group in modp2048 curve25519; do
	for k in $(seq "$repeat"); do
		run_test "rate-$group-$k" "$group" --rate "$setups"
	done
done
run_test hold "$hold_group" --hold "$hold"

python3 - "${json:-}" "${runs[@]}" <<'EOF'
import json, sys
out, files = sys.argv[1], sys.argv[2:]
rows = [json.load(open(f)) for f in files]
best = {}
for r in rows:
	if r["test"] == "rate":
		b = best.get(r["dh_group"])
		if b is None or r["setups_per_s"] > b["setups_per_s"]:
			best[r["dh_group"]] = r
for r in best.values():
	r["best"] = True
def f(v, fmt):
	return "-" if v is None else fmt % v
print()
print("%-6s %-11s %7s %7s %9s %8s %6s %7s %8s %7s" % ("test", "dh_group",
      "setups", "seconds", "setups/s", "us/setup", "failed", "held",
      "rss_kib", "kib/SA"))
for r in rows:
	fl = r["failures"]
	print("%-6s %-11s %7d %7.2f %9s %8s %6d %7s %8s %7s" % (r["test"],
	      r["dh_group"], r["setups"], r["seconds"],
	      "%.1f%s" % (r["setups_per_s"], "*" if r.get("best") else ""),
	      f(r["responder_cpu_us_per_setup"], "%.0f"),
	      fl["timeout"] + fl["notify"] + fl["bad_response"],
	      f(r["held"], "%d"), f(r["rss_kib"], "%d"),
	      f(r["kib_per_sa"], "%.2f")))
print("* the best run of its group; us/setup: espgw-control's CPU time")
m = best.get("modp2048")
h = [r for r in rows if r["test"] == "hold"]
if m:
	cpu = m["responder_cpu_us_per_setup"] or 0
	print("goal 1,000 setups/s with modp2048: %s (best %.1f; CPU per setup "
	      "%.0f us: %.0f setups/s if espgw-control had a core to itself)"
	      % ("met" if m["setups_per_s"] >= 1000 else "MISSED",
		 m["setups_per_s"], cpu, 1e6 / cpu if cpu else 0))
if h:
	print("goal 100,000 IKE SAs held: %s (%s held, %.2f KiB each)" % ("met"
	      if (h[0]["responder_ike_sas"] or 0) >= 100000 else "MISSED",
	      h[0]["responder_ike_sas"], h[0]["kib_per_sa"] or 0))
if out:
	json.dump(rows, open(out, "w"), indent=1)
	print("\nwritten to", out)
EOF
