#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs what vswd needs, builds it, reserves hugepages and runs vswd in the foreground on the
# shipped config (config/vswd.json, or the file given as $1; changes made through the API are
# not saved, so every run starts from that file). Ctrl-C stops it; the hugepages
# reserved here are given back.
set -u
. "$(dirname "$0")/common.sh"
need_root
CONFIG=${1:-$VSW_ROOT/config/vswd.json}
apt_install "${BUILD_PKGS[@]}" jq
build
MEM=$(jq -r '.dpdk.memory_mb // 512' "$CONFIG" 2>/dev/null || echo 512)
case "$MEM" in ''|*[!0-9]*) MEM=512 ;; esac
hugepages_reserve $(( (MEM + 1) / 2 ))
trap hugepages_release EXIT
"$VSW_BUILD/vswd" -c "$CONFIG" --check || exit $?
trap 'kill -INT $PID 2>/dev/null' INT TERM
mkdir -p /run/vswd
"$VSW_BUILD/vswd" -c "$CONFIG" --no-persist &
PID=$!
wait $PID
wait $PID 2>/dev/null
rc=$?
exit $rc
