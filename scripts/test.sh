#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs what the tests need, builds vswd with the unit tests, reserves hugepages and runs
# every test: the cmocka unit suite, then the integration suite against real peers (kernel
# namespaces, dpdk-testpmd guests, scapy), both again under ASan + UBSan, then the fuzz
# harnesses for a bounded time (scripts/fuzz.sh). Cleans up after itself, also on failure.
set -u
. "$(dirname "$0")/common.sh"
need_root
apt_install "${BUILD_PKGS[@]}" clang libclang-rt-14-dev jq dpdk-dev python3-pytest python3-scapy \
	python3-cryptography librte-crypto-ipsec-mb23 iproute2 iputils-ping \
	tshark procps python3-matplotlib systemd dnsmasq-base busybox ethtool \
	qemu-system-x86 linux-image-cloud-amd64 cpio netsniff-ng
build -Dtests=true

cleanup() {
	# Anything a killed test run may have left: our namespaces, processes, hugepage files.
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^(vsw|nsvs)'); do
		ip netns del "$ns"
	done
	pkill -f "$VSW_BUILD/vswd" 2>/dev/null
	pkill -f 'dpdk-testpmd.*--file-prefix guest' 2>/dev/null
	pkill -f 'qemu-system-x86_64.*vswt-mig' 2>/dev/null
	rm -f /dev/hugepages/vswt*map_* /dev/hugepages/guestmap_* /tmp/vswt-*.sock
	# EAL runtime directories of our prefixes, and the tests' temporary files.
	rm -rf /var/run/dpdk/vswt* /var/run/dpdk/guest* /var/run/dpdk/ut_* /tmp/vswt-* "$PYTEST_TMP"
	hugepages_release
}
PYTEST_TMP=$(mktemp -d /tmp/vswt-pytest-XXXXXX)
trap cleanup EXIT
# vswd (256 MiB) and a testpmd guest (256 MiB) side by side, with room to spare.
hugepages_reserve 768

rc=0
meson test -C "$VSW_BUILD" --suite unit --print-errorlogs || rc=1
( cd "$VSW_ROOT/test/integration" && /usr/bin/python3 -m pytest -v -p no:cacheprovider \
	--basetemp="$PYTEST_TMP/plain" . ) || rc=1

# The same suites on an AddressSanitizer + UndefinedBehaviorSanitizer build: any report, and
# any leak at vswd's clean exit, fails them.
echo "== sanitizer build (asan + ubsan)"
ASAN_BUILD=$VSW_ROOT/build-asan
if [ ! -f "$ASAN_BUILD/build.ninja" ]; then
	meson setup "$ASAN_BUILD" "$VSW_ROOT" -Dasan=true -Dtests=true >/dev/null || die "meson setup (asan) failed"
fi
ninja -C "$ASAN_BUILD" >/dev/null || die "asan build failed"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
meson test -C "$ASAN_BUILD" --suite unit --print-errorlogs || rc=1
( cd "$VSW_ROOT/test/integration" && VSWD=$ASAN_BUILD/vswd \
	/usr/bin/python3 -m pytest -v -p no:cacheprovider --basetemp="$PYTEST_TMP/asan" . ) || rc=1

# Tier 3: the libFuzzer harnesses, a bounded time each (FUZZ_SECONDS, default 30).
echo "== fuzzing"
bash "$VSW_ROOT/scripts/fuzz.sh" || rc=1
exit $rc
