# SPDX-License-Identifier: BSD-3-Clause
"""Every vswctl example of README.md runs as written against the shipped config."""
import json
import os
import re
import shutil
import subprocess
import tempfile

from vswlib import ROOT, VSWCTL, Vswd


def readme_commands():
    """The lines of README.md's shell blocks (```sh) that start with vswctl, in order."""
    text = open(os.path.join(ROOT, "README.md")).read()
    cmds = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        cmds += [l.strip() for l in block.splitlines() if l.strip().startswith("vswctl ")]
    return cmds


def test_readme_examples(cleanup):
    cmds = readme_commands()
    assert len(cmds) >= 12, cmds
    made_run = not os.path.isdir("/run/vswd")
    os.makedirs("/run/vswd", exist_ok=True)
    cfg = json.load(open(os.path.join(ROOT, "config", "vswd.json")))
    v = Vswd(cleanup, cfg)
    assert v.sock == "/run/vswd/vswd.sock"
    work = tempfile.mkdtemp(prefix="vswt-readme-")
    env = dict(os.environ, PATH=os.path.dirname(VSWCTL) + ":" + os.environ["PATH"])
    env.pop("VSWCTL_SOCKET", None)
    try:
        v.start()
        for c in cmds:
            r = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", c], cwd=work, env=env,
                               capture_output=True, text=True, timeout=60)
            assert r.returncode == 0, "README example failed: %s\n%s%s" % (c, r.stdout,
                                                                             r.stderr)
        # The simulated ARP request from the host port would be flooded to the VM ports, but
        # no guest is attached: a flood with no member up.
        sim = [c for c in cmds if "trace simulate" in c][0]
        r = subprocess.run(["bash", "-c", sim.replace("vswctl ", "vswctl --json ", 1)],
                           cwd=work, env=env, capture_output=True, text=True, timeout=60)
        hops = json.loads(r.stdout)["packets"][0]["hops"]
        assert [h["decision"] for h in hops if h["node"] == "vsw_flood"] == [
            "drop: flood_no_members"], hops
        v.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if made_run:
            shutil.rmtree("/run/vswd", ignore_errors=True)
