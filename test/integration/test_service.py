# SPDX-License-Identifier: BSD-3-Clause
"""vswd as a systemd service: the unit file passes `systemd-analyze verify`, and the daemon
speaks the notification protocol to a fake service manager (PID 1 here is not systemd):
READY=1 once the ports are up, WATCHDOG=1 while the workers run, STOPPING=1 at stop."""
import os
import re
import socket
import subprocess

import pytest

from vswlib import VSWCTL, VSWD, Vswd, wait_for


def test_unit_verifies(tmp_path):
    unit = open(os.path.join(os.path.dirname(VSWD), "vswd.service")).read()
    for line in ("Type=notify", "WatchdogSec=", "Restart=on-failure", "RuntimeDirectory=vswd",
                 "RuntimeDirectoryPreserve=yes", "After=network-pre.target dpdk.service"):
        assert line in unit, line
    # The unit names the installed binary; verify it against the one under test.
    unit = re.sub(r"ExecStart=\S+", "ExecStart=" + VSWD, unit)
    unit = re.sub(r"ExecReload=\S+", "ExecReload=" + VSWCTL, unit)
    path = tmp_path / "vswd.service"
    path.write_text(unit)
    r = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("abstract", [False, True], ids=["path", "abstract"])
def test_notify_protocol(cleanup, tmp_path, abstract):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if abstract:
        name = "vswt-notify-%d" % os.getpid()
        sock.bind("\0" + name)
        addr = "@" + name
    else:
        addr = str(tmp_path / "notify.sock")
        sock.bind(addr)
    sock.settimeout(0.05)
    msgs = []

    def drain():
        try:
            while True:
                msgs.append(sock.recv(4096).decode())
        except socket.timeout:
            pass
        return msgs

    v = Vswd(cleanup, {"ports": [{"name": "p0", "type": "dpdk", "devargs": "net_null0"}]})
    env = dict(os.environ, NOTIFY_SOCKET=addr, WATCHDOG_USEC="200000")
    v.start(env=env)
    wait_for(lambda: sum("WATCHDOG=1" in m for m in drain()) >= 3, 10, "three WATCHDOG=1")
    ready = [i for i, m in enumerate(msgs) if m.startswith("READY=1")]
    assert len(ready) == 1, msgs
    assert "STATUS=running: 1 port(s), 1 worker(s)" in msgs[ready[0]]
    assert ready[0] < min(i for i, m in enumerate(msgs) if m == "WATCHDOG=1"), msgs
    v.stop()
    drain()
    assert msgs[-1].startswith("STOPPING=1"), msgs
    sock.close()


def test_no_notify_socket(cleanup):
    """Without NOTIFY_SOCKET nothing is sent and nothing complains."""
    env = {k: x for k, x in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC")}
    v = Vswd(cleanup, {"ports": [{"name": "p0", "type": "dpdk", "devargs": "net_null0"}]})
    v.start(env=env)
    v.stop()
    assert "NOTIFY_SOCKET" not in v.output()


def test_meson_install(tmp_path):
    """meson install puts the binaries, the unit, the default config and the completion."""
    build = os.path.dirname(VSWD)
    r = subprocess.run(["meson", "install", "-C", build, "--destdir", str(tmp_path),
                        "--no-rebuild", "--quiet"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    found = {os.path.relpath(os.path.join(d, f), tmp_path)
             for d, _, fs in os.walk(tmp_path) for f in fs}
    for want in ("bin/vswd", "bin/vswctl", "bin/vswd-bench", "lib/systemd/system/vswd.service",
                 "etc/vswd/vswd.json", "share/bash-completion/completions/vswctl"):
        assert any(f.endswith(want) for f in found), (want, sorted(found))
