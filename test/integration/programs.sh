#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The three programs as an operator meets them:
#
#  1. --help, --version and --check answer without starting anything;
#  2. a broken configuration is refused with FILE:LINE: OBJECT messages
#     and a non-zero status, and no secret is printed;
#  3. espgw-control started before espgw-dataplane waits for it, attaches
#     when it appears, and attaches again to the new generation when the
#     data plane restarts (espgwctl show channel tells).
#
# usage: programs.sh BUILD_DIR SOURCE_DIR.  Part 3 needs root (the data
# plane's slow-path taps live in a namespace made here); without root it
# is skipped (exit 77) after parts 1 and 2 have passed.
set -u

build=${1:?usage: programs.sh BUILD_DIR SOURCE_DIR}
src=${2:?usage: programs.sh BUILD_DIR SOURCE_DIR}
dp=$build/dataplane/espgw-dataplane
cp=$build/control/espgw-control
ctl=$build/control/espgwctl
examples=$src/scripts/examples

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=wait.sh
. "$here/wait.sh"

work=$(mktemp -d)
ns=espgw-prog-$$
dp_pid=
cp_pid=

cleanup() {
	stop_pid "$dp_pid"
	stop_pid "$cp_pid"
	ip netns del "$ns" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "FAIL: $*"
	for f in "$work"/*.log; do
		[[ -f $f ]] && { echo "--- $f"; tail -20 "$f"; }
	done
	exit 1
}

# --- 1. options -----------------------------------------------------------
for prog in "$dp" "$cp" "$ctl"; do
	name=$(basename "$prog")
	"$prog" --help | grep -q "usage: $name" || fail "$name --help"
	"$prog" --version | grep -qx "$name [0-9.]*" || fail "$name --version"
	"$prog" --no-such-option >/dev/null 2>&1 && fail "$name took a bad option"
done
for conf in "$examples"/*.conf; do
	"$dp" --check --config "$conf" >"$work/check.out" ||
		fail "espgw-dataplane --check $conf"
	grep -q "configuration is valid" "$work/check.out" ||
		fail "no verdict from --check"
	"$cp" --check --config "$conf" >/dev/null || fail "espgw-control --check $conf"
	"$ctl" --config "$conf" check >/dev/null || fail "espgwctl check $conf"
done
echo "ok 1 - --help, --version and --check"

# --- 2. a broken configuration -------------------------------------------
secret=$(sed -n 's/.*secret = "\(.*\)".*/\1/p' "$examples/road-warrior.conf" |
	head -1)
[[ -n $secret ]] || fail "the example has no secret to look for"
sed -e 's/dpd_maximum_failures = 5/dpd_maximum_failures = 0/' \
	-e 's/address_pool = "pool-vpn"/address_pool = "no-such-pool"/' \
	"$examples/road-warrior.conf" >"$work/broken.conf"
for prog in "$dp --check --config" "$cp --check --config"; do
	$prog "$work/broken.conf" >"$work/broken.out" 2>&1
	rc=$?
	[[ $rc -eq 1 ]] || fail "$prog: status $rc for a broken file"
	grep -Eq "broken.conf:[0-9]+: .*dpd_maximum_failures.*expected" \
		"$work/broken.out" || fail "no FILE:LINE message for the range"
	grep -Eq "broken.conf:[0-9]+: .*no-such-pool" "$work/broken.out" ||
		fail "no message for the missing pool"
	grep -qF "$secret" "$work/broken.out" && fail "a secret was printed"
done
"$ctl" --config "$examples/road-warrior.conf" check | grep -qF "$secret" &&
	fail "espgwctl check printed the secret"
echo "ok 2 - a broken configuration is refused, every error named"

# --- 3. the daemons and the channel -----------------------------------------
if [[ $(id -u) -ne 0 ]]; then
	echo "SKIP: part 3 needs root"
	exit 77
fi
conf=$work/gw.conf
sock=$work/ctl.sock
awk '/^ipsec = \{/,/^\};/' "$examples/road-warrior.conf" >"$conf"
cat >>"$conf" <<CONF
dataplane = {
	ports = (
		{ name = "wan"; role = "public"; device = "net_null0";
		  addresses = [ "203.0.113.1/24" ]; slow_path = "t-wan"; },
		{ name = "lan"; role = "private"; device = "net_null1";
		  addresses = [ "10.10.0.1/24" ]; slow_path = "t-lan"; }
	);
	main_lcore = 0;
	workers = [ 1 ];
	# Tests share two cores: idle workers nap instead of spinning.
	idle_sleep_us = 50;
	channel = "prog-$$";
};
control = {
	ctl_socket = "$sock";
	dns_servers = [ "10.10.0.53" ];
};
CONF

show() { "$ctl" --socket "$sock" show channel "$@"; }
generation() { show --json | sed -n 's/.*"generation":"\([0-9a-f]*\)".*/\1/p'; }
attaches() { show --json | sed -n 's/.*"attaches":\([0-9]*\).*/\1/p'; }

start_dp() {
	ip netns exec "$ns" "$dp" -l 0-1 --no-pci --no-huge --no-shconf -m 256 \
		--vdev net_null0 --vdev net_null1 --log-level=error \
		-- --config "$conf" >>"$work/dp.log" 2>&1 &
	dp_pid=$!
}

ip netns add "$ns" || fail "cannot make a namespace"
"$cp" --config "$conf" >"$work/cp.log" 2>&1 &
cp_pid=$!
wait_for 50 test -S "$sock" || fail "espgw-control made no socket"
show | grep -q "waiting for espgw-dataplane" ||
	fail "control should wait for the data plane"

start_dp
wait_for 300 eval 'show | grep -q ": up"' || fail "control did not attach"
gen1=$(generation)
[[ $gen1 =~ ^[0-9a-f]{16}$ && $gen1 != 0000000000000000 ]] ||
	fail "bad generation '$gen1'"
# Neither daemon can leave its keys in a core file (common/nodump.h).
for p in "$cp_pid" "$dp_pid"; do
	core=$(awk '/^Max core file size/ { print $5 "/" $6 }' "/proc/$p/limits")
	[[ $core == 0/0 ]] || fail "pid $p may dump core ($core)"
done
echo "ok 3 - control waits, then attaches to generation $gen1; neither" \
	"daemon may dump core"

stop_pid "$dp_pid"
dp_pid=
start_dp
wait_for 300 eval '[[ $(attaches) == 2 ]]' ||
	fail "control did not re-attach to the restarted data plane"
gen2=$(generation)
[[ $gen2 != "$gen1" ]] || fail "the generation did not change"
show | grep -q ": up" || fail "the link is not up after the restart"
"$ctl" --socket "$sock" show config | grep -qF "$secret" &&
	fail "show config printed the secret"
echo "ok 4 - a restarted data plane is noticed: generation $gen2"

# Killed with no successor, the data plane leaves its segment looking
# live; control tells by its heartbeat (CHAN_HEARTBEAT_MS, 3 s).
show | grep -q "not responding" && fail "not responding while it runs"
kill -KILL "$dp_pid"
wait "$dp_pid" 2>/dev/null
dp_pid=
wait_for 150 eval 'show | grep -q "espgw-dataplane is not responding"' ||
	fail "control did not notice the killed data plane: $(show)"
show --json | grep -q '"responding":false' || fail "json: $(show --json)"
grep -q "espgw-dataplane stopped (no heartbeat" "$work/cp.log" ||
	fail "control did not log the silence"
echo "ok 5 - a killed data plane is noticed by its silent heartbeat"

stop_pid "$cp_pid"
cp_pid=
grep -q "ERROR: AddressSanitizer\|runtime error" "$work"/*.log &&
	fail "a sanitizer complained"
echo "programs: all five checks passed"
