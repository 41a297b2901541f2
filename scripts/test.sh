#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs what the tests need, builds vswd with the unit tests, reserves hugepages and runs
# every test: the cmocka unit suite, then the integration suite against real peers (kernel
# namespaces, dpdk-testpmd guests, scapy). Cleans up after itself, also on failure.
set -u
. "$(dirname "$0")/common.sh"
need_root
apt_install "${BUILD_PKGS[@]}" jq dpdk-dev python3-pytest python3-scapy iproute2 iputils-ping \
	tshark procps
build -Dtests=true

cleanup() {
	# Anything a killed test run may have left: our namespaces, processes, hugepage files.
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^(vsw|nsvs)'); do
		ip netns del "$ns"
	done
	pkill -f "$VSW_BUILD/vswd" 2>/dev/null
	pkill -f 'dpdk-testpmd.*--file-prefix guest' 2>/dev/null
	rm -f /dev/hugepages/vswt*map_* /dev/hugepages/guestmap_* /tmp/vswt-*.sock
	hugepages_release
}
trap cleanup EXIT
# vswd (256 MiB) and a testpmd guest (256 MiB) side by side, with room to spare.
hugepages_reserve 768

rc=0
meson test -C "$VSW_BUILD" --suite unit --print-errorlogs || rc=1
cd "$VSW_ROOT/test/integration" || exit 1
/usr/bin/python3 -m pytest -v -p no:cacheprovider . || rc=1
exit $rc
