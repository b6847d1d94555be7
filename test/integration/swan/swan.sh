# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# strongSwan (charon 5.9, kernel-libipsec) as a test peer in a network
# namespace.  Source it after netns.sh (its netns_track is used when there).
#
# Each instance lives in a directory DIR of its own: strongswan.conf, the
# vici socket, the log, the resolve plugin's file and a private /run
# (charon always writes /run/charon.pid; two charons on one host would
# fight over it).  Every swanctl call goes through the instance's socket
# and is bounded by `timeout`.  See /work/shared/STRONGSWAN.md.
#
#   swan_start DIR NS            start charon in NS, wait for vici
#   swan_render TEMPLATE OUT K=V...  fill @K@ placeholders
#   swan_load DIR FILE           load connections, secrets, pools
#   swan_initiate DIR CHILD [S]  initiate; at most S seconds
#   swan_wait_child DIR CHILD [S]   wait for an INSTALLED CHILD_SA
#   swan_list_sas DIR            the SAs, human-readable
#   swan_child_spi DIR CHILD     inbound SPI of the installed CHILD_SA
#   swan_child_packets DIR CHILD in|out   packets through it
#   swan_vip DIR                 the virtual IP the client got
#   swan_rekey_child DIR CHILD [S]   rekey, wait for a new inbound SPI
#   swan_rekey_ike DIR IKE [S]   rekey the IKE SA, wait for a new one
#   swan_terminate DIR IKE [S]   delete the IKE SA, wait until no SA
#   swan_stop DIR                stop charon (TERM, bounded, then KILL)
#   swan_ike_diagnosis DIR PEER  why IKE failed, one line from the log

SWAN_CHARON=${SWAN_CHARON:-/usr/lib/ipsec/charon}
# Plugins, explicitly (no /etc/strongswan.d): kernel-libipsec before
# kernel-netlink, since the first to register the IPsec interface wins;
# kdf, or key derivation fails right after IKE_SA_INIT.
SWAN_PLUGINS="random nonce aes sha1 sha2 hmac kdf gmp curve25519 pem pkcs1 \
x509 pubkey revocation constraints socket-default kernel-libipsec \
kernel-netlink resolve attr vici counters"

swan_have() {
	[[ -x $SWAN_CHARON ]] && command -v swanctl >/dev/null &&
		command -v unshare >/dev/null
}

_swan_conf() {
	local dir=$1
	cat >"$dir/strongswan.conf" <<CONF
# written by test/integration/swan/swan.sh for one test instance
charon {
	load = $SWAN_PLUGINS
	# a short retransmission schedule: an unanswered request gives up
	# after about 12 s instead of minutes
	retransmit_tries = 3
	retransmit_timeout = 2.0
	retransmit_base = 1.4
	install_virtual_ip = yes
	plugins {
		vici {
			socket = unix://$dir/charon.vici
		}
		resolve {
			file = $dir/resolv.conf
		}
	}
	filelog {
		swan {
			path = $dir/charon.log
			time_format = %T
			append = no
			flush_line = yes
			default = 1
			ike = 2
			cfg = 2
			knl = 1
			esp = 1
		}
	}
	syslog {
		daemon {
			default = -1
		}
	}
}
swanctl {
	# what swanctl itself needs to read a PSK configuration
	load = random nonce pem pkcs1 x509 pubkey revocation constraints
}
CONF
}

# swan_ctl DIR --COMMAND [OPTIONS]: swanctl on DIR's instance, bounded by
# SWAN_CTL_TIMEOUT seconds (default 20).  swanctl takes --uri only after
# the command, and reads strongswan.conf too: ours, for its plugin list.
swan_ctl() {
	local dir=$1 cmd=$2
	shift 2
	STRONGSWAN_CONF=$dir/strongswan.conf \
		timeout "${SWAN_CTL_TIMEOUT:-20}" swanctl "$cmd" \
		--uri "unix://$dir/charon.vici" "$@"
}

# swan_start DIR NS: a private /run bound over the real one in a mount
# namespace of its own, STRONGSWAN_CONF pointing at DIR's file.
swan_start() {
	local dir=$1 ns=$2 pid
	mkdir -p "$dir/run" && : >"$dir/resolv.conf" || return 1
	_swan_conf "$dir" || return 1
	# shellcheck disable=SC2016 # sh expands them, not us
	ip netns exec "$ns" unshare --mount --propagation private \
		/bin/sh -c 'mount --bind "$1" /run && exec env \
			STRONGSWAN_CONF="$2" "$3"' sh \
		"$dir/run" "$dir/strongswan.conf" "$SWAN_CHARON" \
		>"$dir/charon.stdout" 2>&1 &
	pid=$!
	echo "$pid" >"$dir/pid"
	if declare -F netns_track >/dev/null; then
		netns_track "$pid"
	fi
	# Up to 15 s for the plugins to load and vici to answer.
	local i
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		SWAN_CTL_TIMEOUT=2 swan_ctl "$dir" --stats >/dev/null 2>&1 &&
			return 0
		sleep 0.1
	done
	echo "swan_start: charon in $ns did not come up; its log:" >&2
	tail -n 30 "$dir/charon.log" "$dir/charon.stdout" >&2 2>/dev/null
	return 1
}

# swan_render TEMPLATE OUT KEY=VALUE...: every @KEY@ replaced; fails if a
# placeholder is left.  Values may not contain newlines.  The file is
# readable by root only: it holds the PSK.
swan_render() {
	local tpl=$1 out=$2 kv k v text
	shift 2
	text=$(<"$tpl") || return 1
	for kv in "$@"; do
		k=${kv%%=*}
		v=${kv#*=}
		text=${text//@$k@/$v}
	done
	if [[ $text =~ @[A-Z_]+@ ]]; then
		echo "swan_render: $tpl: ${BASH_REMATCH[0]} not given" >&2
		return 1
	fi
	(umask 077 && printf '%s\n' "$text" >"$out")
}

swan_load() {
	local dir=$1 file=$2
	# load-all prints what it loaded, never the secrets themselves.
	swan_ctl "$dir" --load-all --noprompt --file "$file" >"$dir/load.out" \
		2>&1 || { cat "$dir/load.out" >&2; return 1; }
}

# swan_initiate DIR CHILD [S]: returns when the CHILD_SA is up or the
# exchange failed; swanctl's own timeout and ours bound it.
swan_initiate() {
	local dir=$1 child=$2 s=${3:-30}
	SWAN_CTL_TIMEOUT=$((s + 5)) swan_ctl "$dir" --initiate --child "$child" \
		--timeout "$s" >"$dir/initiate.out" 2>&1
}

swan_list_sas() { swan_ctl "$1" --list-sas; }

# The CHILD_SA named CHILD in the state INSTALLED, or nothing.
_swan_child_block() {
	local dir=$1 child=$2
	swan_list_sas "$dir" 2>/dev/null | awk -v c="$child" '
		$1 == c ":" && /INSTALLED/ { on = 1; print; next }
		on && /^    / && !/^    [^ ]+: #/ { print; next }
		{ on = 0 }'
}

swan_wait_child() {
	local dir=$1 child=$2 s=${3:-20} i
	for ((i = 0; i < s * 10; i++)); do
		[[ -n $(_swan_child_block "$dir" "$child") ]] && return 0
		sleep 0.1
	done
	return 1
}

swan_child_spi() {
	_swan_child_block "$1" "$2" | awk '$1 == "in" { print $2; exit }' |
		tr -d ,
}

# swan_child_packets DIR CHILD in|out
swan_child_packets() {
	_swan_child_block "$1" "$2" | awk -v d="$3" '
		$1 == d { for (i = 2; i < NF; i++)
				if ($(i + 1) ~ /^packets/) { print $i; exit } }'
}

# The first virtual IP in the local line: "local  'id' @ a[p] [vip]".
swan_vip() {
	swan_list_sas "$1" 2>/dev/null | awk '$1 == "local" {
		for (i = 2; i <= NF; i++)
			if ($i ~ /^\[[0-9.]+\]$/) { gsub(/[][]/, "", $i);
				print $i; exit } }'
}

# The IKE SA that holds CHILD's installed CHILD_SA: "#N" and its SPIs.
swan_ike_sa_of_child() {
	swan_list_sas "$1" 2>/dev/null | awk -v c="$2" '
		$2 ~ /^#/ && /ESTABLISHED/ { ike = $2 $5 $6 }
		$1 == c ":" && /INSTALLED/ { print ike; exit }'
}

# The IKE SA's unique id (#N) and SPIs for IKE, or nothing.
swan_ike_sa() {
	swan_list_sas "$1" 2>/dev/null | awk -v n="$2" '
		$1 == n ":" && $2 ~ /^#/ && /ESTABLISHED/ { print $2 $5 $6; exit }'
}

# `swanctl --rekey` returns before the rekey is done: poll for the new SPI.
# A rekey keeps the IKE SA; a peer that refuses it (strongSwan then
# deletes the IKE SA and may start over) fails here, with SWAN_WHY set.
# shellcheck disable=SC2034 # SWAN_WHY is for the caller
swan_rekey_child() {
	local dir=$1 child=$2 s=${3:-20} old new ike i
	SWAN_WHY=
	old=$(swan_child_spi "$dir" "$child")
	ike=$(swan_ike_sa_of_child "$dir" "$child")
	[[ -n $old && -n $ike ]] || { SWAN_WHY="no CHILD_SA"; return 1; }
	swan_ctl "$dir" --rekey --child "$child" >/dev/null ||
		{ SWAN_WHY="swanctl --rekey failed"; return 1; }
	for ((i = 0; i < s * 10; i++)); do
		new=$(swan_child_spi "$dir" "$child")
		if [[ -n $new && $new != "$old" ]]; then
			[[ $(swan_ike_sa_of_child "$dir" "$child") == "$ike" ]] &&
				return 0
			SWAN_WHY="the IKE SA was replaced, not kept"
			return 1
		fi
		sleep 0.1
	done
	SWAN_WHY="no new SPI within $s s"
	return 1
}

# An IKE rekey moves the CHILD_SAs to the new IKE SA unchanged; a new
# connection would bring new CHILD_SAs.
# shellcheck disable=SC2034
swan_rekey_ike() {
	local dir=$1 ike=$2 s=${3:-20} old new spis i
	SWAN_WHY=
	old=$(swan_ike_sa "$dir" "$ike")
	spis=$(swan_list_sas "$dir" | awk '$1 == "in" { print $2 }')
	[[ -n $old ]] || { SWAN_WHY="no IKE SA"; return 1; }
	swan_ctl "$dir" --rekey --ike "$ike" >/dev/null ||
		{ SWAN_WHY="swanctl --rekey failed"; return 1; }
	for ((i = 0; i < s * 10; i++)); do
		new=$(swan_ike_sa "$dir" "$ike")
		if [[ -n $new && $new != "$old" ]]; then
			[[ $(swan_list_sas "$dir" |
				awk '$1 == "in" { print $2 }') == "$spis" ]] &&
				return 0
			SWAN_WHY="the CHILD_SAs changed: a new connection?"
			return 1
		fi
		sleep 0.1
	done
	SWAN_WHY="no new IKE SA within $s s"
	return 1
}

# True when the instance holds no SA at all.
swan_no_sas() {
	local out
	out=$(swan_list_sas "$1" 2>/dev/null) || return 1
	! grep -q '#[0-9]' <<<"$out"
}

# swan_terminate DIR IKE [S]: delete the IKE SA (its CHILD_SAs go with
# it) and wait until the instance lists no SA.
swan_terminate() {
	local dir=$1 ike=$2 s=${3:-15} i
	SWAN_CTL_TIMEOUT=$((s + 5)) swan_ctl "$dir" --terminate --ike "$ike" \
		--timeout "$s" >"$dir/terminate.out" 2>&1 || return 1
	for ((i = 0; i < s * 10; i++)); do
		swan_no_sas "$dir" && return 0
		sleep 0.1
	done
	return 1
}

swan_stop() {
	local dir=$1 pid
	pid=$(cat "$dir/pid" 2>/dev/null) || return 0
	if declare -F netns_kill >/dev/null; then
		netns_kill "$pid"
	else
		kill -TERM "$pid" 2>/dev/null
	fi
	rm -f "$dir/pid"
}

# swan_ike_diagnosis DIR PEER: why the IKE SA did not come up, in one line
# read from the client's log.
swan_ike_diagnosis() {
	local log=$1/charon.log peer=${2:-the gateway} last
	last=$(grep -o 'parsed IKE_[A-Z_]* response.*' "$log" | tail -n 1)
	if [[ -z $last ]]; then
		echo "$peer never answered IKE_SA_INIT" \
			"($(grep -c 'sending packet' "$log") requests sent)"
	elif ! grep -q 'parsed IKE_AUTH response' "$log"; then
		echo "$peer answered IKE_SA_INIT ($last) but not IKE_AUTH"
	else
		echo "$peer answered IKE_AUTH ($last); then:" \
			"$(grep -m1 -iE 'failed|invalid|unacceptable' "$log")"
	fi
}

# The last lines of DIR's log, for a failure report (no secrets: charon
# never logs the PSK at these levels).
swan_log_tail() { tail -n "${2:-40}" "$1/charon.log" 2>/dev/null; }
