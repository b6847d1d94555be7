#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs, as root on Debian 12, every package espgw needs to build, test
# and run its demo.  Idempotent: packages already present are not fetched,
# and apt-get update runs only when something is missing.
set -euo pipefail

packages=(
	# build
	gcc meson ninja-build pkg-config
	libdpdk-dev libipsec-mb-dev libssl-dev libconfig-dev libcmocka-dev
	# dpdk-test-crypto-perf, the raw crypto ceiling in the benchmarks
	dpdk-dev
	# network namespaces for integration tests and the demo
	iproute2 iputils-ping ethtool
	# strongSwan as the road warrior of the integration tests and the
	# demo (kernel-libipsec is in the extra plugins), NAT between them
	strongswan-swanctl strongswan-charon charon-systemd
	libcharon-extra-plugins libstrongswan-extra-plugins nftables
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if ((${#missing[@]})); then
	echo "install-deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
else
	echo "install-deps: all ${#packages[@]} packages present"
fi
