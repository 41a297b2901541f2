# SPDX-License-Identifier: BSD-3-Clause
"""The benchmark (scripts/bench) end to end, in a short run: every switch starts, carries
traffic, is measured and stopped; the report is complete; nothing is left behind.
Speed is not asserted here (doc/performance.md has the measured figures)."""
import glob
import json
import os
import subprocess

from vswlib import ROOT, VSWD

BENCH = os.path.join(ROOT, "scripts", "bench")
HP = "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"


def test_bench_short_run(tmp_path):
    pages_before = open(HP).read()
    cases = ["p2p-64-1flow", "p2p-64-1000", "trunk-access-64", "vhost-loop"]
    r = subprocess.run([BENCH, "--vswd", VSWD, "--cases", ",".join(cases), "--peers", "testpmd",
                        "--reps", "1", "--duration", "0.5", "--warmup", "1",
                        "--out", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.load(open(tmp_path / "bench.json"))
    assert list(doc["cases"]) == cases
    for case in cases:
        res = doc["cases"][case]["results"]
        for dut in ("vswd", "testpmd"):
            assert res[dut]["mpps_median"] > 0.1, (case, dut, res[dut])
            assert res[dut]["cycles_per_packet"] > 0, (case, dut, res[dut])
        assert res["vswd"]["ratio_to_testpmd"]["median"] > 0
        if case != "vhost-loop":
            # Port to port: nothing dropped, and the 1,000 destinations were learned from
            # the egress port (plus the sources: 1 or 1,000).
            assert res["vswd"]["drops"] == 0, (case, res["vswd"])
            assert res["vswd"]["fdb_dynamic"] >= 1001, (case, res["vswd"])
            # Every flow is cached after the warm-up: the measured frames are hits.
            v = res["vswd"]
            assert v["flow_cache_hits"] > 100 * v["flow_cache_misses"], (case, v)
    assert "vhost-loop" in r.stdout and "vswd/tes" in r.stdout
    # The multi-queue case: two guests of two queue pairs, two workers, vswd alone.
    r = subprocess.run([BENCH, "--vswd", VSWD, "--cases", "vhost-mq", "--peers", "testpmd",
                        "--reps", "1", "--duration", "0.5", "--warmup", "1",
                        "--out", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    res = json.load(open(tmp_path / "bench.json"))["cases"]["vhost-mq"]["results"]
    assert list(res) == ["vswd"], res
    assert res["vswd"]["mpps_median"] > 0.01 and res["vswd"]["cycles_per_packet"] > 0, res
    assert os.path.getsize(tmp_path / "bench.png") > 1000
    # Nothing left: processes, hugepage files, runtime dirs, temp dirs; pages given back.
    left = subprocess.run(["pgrep", "-f", "vswbench"], capture_output=True)
    assert left.returncode == 1, left.stdout
    assert glob.glob("/dev/hugepages/vswbench*") == []
    assert glob.glob("/var/run/dpdk/vswbench*") == []
    assert glob.glob("/tmp/vswbench-*") == []
    assert open(HP).read() == pages_before


def test_bench_rejects_unknown_case(tmp_path):
    r = subprocess.run([BENCH, "--vswd", VSWD, "--cases", "p2p-64-1flow,warp-speed",
                        "--out", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "unknown case warp-speed" in r.stderr
    assert not os.path.exists(tmp_path / "bench.json")
