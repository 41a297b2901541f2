# SPDX-License-Identifier: BSD-3-Clause
"""The daemon refuses bad configurations with exit code 2, names the field, and leaves
nothing half-started."""
import glob
import json
import os
import subprocess

import pytest

from vswlib import VSWD, ROOT, sh


def run(cfg, tmp_path, *args):
    path = tmp_path / "c.json"
    path.write_text(cfg if isinstance(cfg, str) else json.dumps(cfg))
    return subprocess.run([VSWD, "-c", str(path)] + list(args), capture_output=True, text=True,
                          timeout=60)


def test_help_version_check(tmp_path):
    r = subprocess.run([VSWD, "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "--config" in r.stdout
    r = subprocess.run([VSWD, "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("vswd ")
    r = subprocess.run([VSWD, "--bogus"], capture_output=True, text=True)
    assert r.returncode == 2
    r = subprocess.run([VSWD, "-c", os.path.join(ROOT, "config", "vswd.json"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "is valid" in r.stdout, r.stdout + r.stderr


@pytest.mark.parametrize("doc,path", [
    ("{not json", "$"),
    ({"ports": [{"name": "a", "type": "dpdk"}]}, "$.ports[0].devargs"),
    ({"ports": [{"name": "a", "type": "dpdk", "devargs": "net_null0", "mtu": 10000}]},
     "$.ports[0].mtu"),
    ({"dpdk": {"lcores": "0"}}, "$.dpdk.lcores"),
    ({"dpdk": {"memory_mb": 64}, "ports": [{"name": "a", "type": "dpdk",
      "devargs": "net_null0", "queues": 16, "rx_desc": 16384, "tx_desc": 16384}]},
     "$.dpdk.memory_mb"),
    ({"switch": {"fdb_max_entries": 5}}, "$.switch.fdb_max_entries"),
])
def test_refused_before_start(tmp_path, doc, path):
    r = run(doc, tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "configuration refused: " + path + ":" in r.stderr, r.stderr
    r = run(doc, tmp_path, "--check")
    assert r.returncode == 2


def test_memory_figure(tmp_path):
    doc = {"dpdk": {"memory_mb": 64}, "ports": [{"name": "a", "type": "dpdk",
           "devargs": "net_null0", "queues": 16, "rx_desc": 16384, "tx_desc": 16384}]}
    r = run(doc, tmp_path)
    assert r.returncode == 2
    assert "needs" in r.stderr and "MiB" in r.stderr and "memory_mb is 64" in r.stderr


def test_port_failure_leaves_nothing(tmp_path):
    """Ports open in order; the third fails: the first two are closed again, exit 2."""
    sock = str(tmp_path / "vm.sock")
    doc = {"dpdk": {"memory_mb": 256, "file_prefix": "vswtcfg"},
           "ports": [{"name": "t", "type": "dpdk", "devargs": "net_tap0,iface=vswcfgt"},
                     {"name": "vm", "type": "vhost-user", "path": sock,
                      "security": {"mac_spoofing": True}},
                     {"name": "bad", "type": "dpdk", "devargs": "net_nosuchdriver0"}]}
    r = run(doc, tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "$.ports[2].devargs" in r.stderr and "net_nosuchdriver0" in r.stderr
    assert sh("ip link show vswcfgt", check=False).returncode != 0, "tap left behind"
    assert not os.path.exists(sock), "socket left behind"
    assert glob.glob("/dev/hugepages/vswtcfgmap_*") == []


def test_stale_socket_replaced_live_socket_refused(tmp_path):
    import socket
    sock = str(tmp_path / "vm.sock")
    s = socket.socket(socket.AF_UNIX)
    s.bind(sock)
    s.listen(1)
    doc = {"dpdk": {"memory_mb": 256, "file_prefix": "vswtcfg"},
           "ports": [{"name": "vm", "type": "vhost-user", "path": sock,
                      "security": {"mac_spoofing": True}}]}
    r = run(doc, tmp_path)
    assert r.returncode == 2 and "in use" in r.stderr, r.stderr
    s.close()  # now stale: a file nobody listens on
    assert os.path.exists(sock)
    r = run(doc, tmp_path, "--check")
    assert r.returncode == 0
    path = tmp_path / "f.json"
    path.write_text(json.dumps(doc))
    p = subprocess.Popen([VSWD, "-c", str(path), "--no-persist"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True)
    try:
        out = ""
        for line in p.stdout:
            out += line
            if "running:" in line or "refused" in line:
                break
        assert "running:" in out and "stale" in out, out
    finally:
        p.send_signal(2)
        p.wait(30)
    assert p.returncode == 0
    assert not os.path.exists(sock)
