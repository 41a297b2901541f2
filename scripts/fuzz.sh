#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds the libFuzzer harnesses of test/fuzz with clang (ASan + UBSan, our code instrumented)
# and runs each for FUZZ_SECONDS (default 30) on a copy of its seed corpus. Prints each
# target's execution count; a crash, a failed check or a sanitizer report fails the run and
# keeps the input that did it in FUZZ_ARTIFACTS (default: the build directory).
set -u
. "$(dirname "$0")/common.sh"
need_root
apt_install "${BUILD_PKGS[@]}" clang libclang-rt-14-dev
SECONDS_EACH=${FUZZ_SECONDS:-30}
FUZZ_BUILD=$VSW_ROOT/build-fuzz
ARTIFACTS=${FUZZ_ARTIFACTS:-$FUZZ_BUILD/artifacts}
if [ ! -f "$FUZZ_BUILD/build.ninja" ]; then
	CC=clang meson setup "$FUZZ_BUILD" "$VSW_ROOT" -Dfuzz=true -Dtests=false >/dev/null ||
		die "meson setup (fuzz) failed"
fi
ninja -C "$FUZZ_BUILD" >/dev/null || { ninja -C "$FUZZ_BUILD"; die "fuzz build failed"; }
WORK=$(mktemp -d /tmp/vswt-fuzz-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$ARTIFACTS"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
pass=0
fail=0
for t in pipeline config rpc; do
	dict=()
	[ -f "$VSW_ROOT/test/fuzz/$t.dict" ] && dict=(-dict="$VSW_ROOT/test/fuzz/$t.dict")
	mkdir -p "$WORK/$t"
	# New inputs go to the first (temporary) corpus; the seeds in the tree stay as they are.
	"$FUZZ_BUILD/test/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
		-artifact_prefix="$ARTIFACTS/$t-" "${dict[@]}" "$WORK/$t" \
		"$VSW_ROOT/test/fuzz/corpus/$t" > "$WORK/$t.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/$t.log")
	if [ $rc -eq 0 ]; then
		echo "fuzz_$t: ${execs:-?} inputs in ${SECONDS_EACH} s, no failure"
		pass=$((pass + 1))
	else
		echo "fuzz_$t: FAILED (exit $rc) after ${execs:-?} inputs; input kept in $ARTIFACTS:"
		grep -E "ERROR|check failed|SUMMARY|runtime error" "$WORK/$t.log" | head -20
		tail -40 "$WORK/$t.log"
		fail=$((fail + 1))
	fi
done
rm -rf /var/run/dpdk/vswfuzz_*
echo "fuzz: $pass passed, $fail failed"
[ $fail -eq 0 ]
