# SPDX-License-Identifier: BSD-3-Clause
# Shared by scripts/run.sh and scripts/test.sh: packages, build, hugepages. Source it.

VSW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VSW_BUILD=${VSW_BUILD:-$VSW_ROOT/build}
HP_SYS=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
HP_BEFORE=
HP_MOUNTED=

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

need_root() { [ "$(id -u)" -eq 0 ] || die "run as root (packages, hugepages, namespaces)"; }

# apt_install PKG...: installs what is missing, quietly.
apt_install() {
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || die "apt-get update failed"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install failed"
}

BUILD_PKGS=(build-essential meson ninja-build pkg-config libdpdk-dev dpdk libjansson-dev libbsd-dev
	libcmocka-dev libpcap-dev)

# build [MESON OPTIONS...]: configures (once) and builds vswd.
build() {
	if [ ! -f "$VSW_BUILD/build.ninja" ]; then
		meson setup "$VSW_BUILD" "$VSW_ROOT" "$@" >/dev/null || die "meson setup failed"
	fi
	ninja -C "$VSW_BUILD" >/dev/null || { ninja -C "$VSW_BUILD"; die "build failed"; }
}

# hugepages_reserve PAGES: makes sure PAGES free 2 MiB pages exist and hugetlbfs is mounted;
# hugepages_release undoes exactly that.
hugepages_reserve() {
	local want=$1 total free
	HP_BEFORE=$(cat "$HP_SYS")
	free=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages)
	if [ "$free" -lt "$want" ]; then
		total=$((HP_BEFORE + want - free))
		echo "$total" > "$HP_SYS"
		free=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages)
		[ "$free" -ge "$want" ] || die "could reserve only $free of $want hugepages"
	fi
	mkdir -p /dev/hugepages
	if ! mountpoint -q /dev/hugepages; then
		mount -t hugetlbfs nodev /dev/hugepages || die "cannot mount hugetlbfs"
		HP_MOUNTED=1
	fi
}

hugepages_release() {
	[ -n "$HP_BEFORE" ] && echo "$HP_BEFORE" > "$HP_SYS"
	[ -n "$HP_MOUNTED" ] && umount /dev/hugepages 2>/dev/null
	HP_BEFORE=
	HP_MOUNTED=
}
