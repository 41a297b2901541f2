# SPDX-License-Identifier: BSD-3-Clause
"""Helpers for vswd integration tests: the daemon, network namespaces, testpmd guests.

Everything a test starts is registered with a Cleanup and undone at the end of the test,
whether it passed or failed: processes killed, namespaces and links deleted, sockets and
hugepage files of the test's DPDK file prefixes removed.
"""
import glob
import importlib.machinery
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VSWD = os.environ.get("VSWD", os.path.join(ROOT, "build", "vswd"))
VSWCTL = os.path.join(os.path.dirname(VSWD), "vswctl")
HUGEDIR = "/dev/hugepages"


def _load_bench():
    """scripts/bench as a module: its testpmd driver serves the tests too."""
    loader = importlib.machinery.SourceFileLoader(
        "vswd_bench", os.path.join(ROOT, "scripts", "bench"))
    mod = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(mod)
    return mod


bench = _load_bench()


def sh(cmd, check=True, **kw):
    """Runs a shell command; returns CompletedProcess (text)."""
    return subprocess.run(cmd, shell=True, check=check, text=True, capture_output=True, **kw)


def wait_for(pred, timeout, what, interval=0.05):
    """Polls pred() until true or raises AssertionError naming what was awaited."""
    end = time.time() + timeout
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(interval)
    raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))


class Cleanup:
    """Undo list for one test."""

    def __init__(self):
        self.procs = []
        self.netns = []
        self.links = []
        self.paths = []
        self.prefixes = []
        self.dirs = []

    def spawn(self, args, **kw):
        """Starts a process that run() kills if it is still there."""
        p = subprocess.Popen(args, **kw)
        self.procs.append(p)
        return p

    def run(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.kill()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    pass
        for ns in self.netns:
            # Processes a test started in the namespace (and their children) go first.
            pids = sh("ip netns pids %s" % ns, check=False).stdout.split()
            for pid in pids:
                sh("kill -9 %s" % pid, check=False)
            sh("ip netns del %s" % ns, check=False)
        for link in self.links:
            sh("ip link del %s" % link, check=False)
        for path in self.paths:
            if os.path.exists(path):
                os.unlink(path)
        for pfx in self.prefixes:
            for f in glob.glob(os.path.join(HUGEDIR, pfx + "map_*")):
                os.unlink(f)
            sh("rm -rf /var/run/dpdk/%s" % pfx, check=False)
        for d in self.dirs:
            shutil.rmtree(d, ignore_errors=True)


class Vswd:
    """The daemon under test, driven only through its config, signals and output."""

    def __init__(self, cleanup, config, prefix="vswt", tmpdir=None):
        self.cleanup = cleanup
        self.prefix = prefix
        cfg = dict(config)
        cfg.setdefault("dpdk", {})
        cfg["dpdk"].setdefault("lcores", "0-1")
        cfg["dpdk"].setdefault("memory_mb", 256)
        cfg["dpdk"].setdefault("file_prefix", prefix)
        self.config = cfg
        self.dir = tmpdir
        if tmpdir is None:
            self.dir = tempfile.mkdtemp(prefix="vswt-")
            cleanup.dirs.append(self.dir)
        cfg.setdefault("api", {}).setdefault("socket", os.path.join(self.dir, "vswd.sock"))
        self.sock = cfg["api"]["socket"]
        self.running = os.path.join(self.dir, "running.json")
        self.cfg_path = os.path.join(self.dir, "vswd.json")
        with open(self.cfg_path, "w") as f:
            json.dump(cfg, f, indent=1)
        self.log_path = None
        self.proc = None
        cleanup.prefixes.append(cfg["dpdk"]["file_prefix"])
        for p in cfg.get("ports", []):
            if p.get("type") == "vhost-user" and p.get("mode", "server") == "server":
                cleanup.paths.append(p["path"])

    def start(self, wait=True, env=None):
        # A log per start: a restarted daemon must not see its predecessor's lines.
        n = len(glob.glob(os.path.join(self.dir, "vswd-*.log")))
        self.log_path = os.path.join(self.dir, "vswd-%d.log" % n)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([VSWD, "-c", self.cfg_path, "--running", self.running],
                                     stdout=self.log,
                                     stderr=subprocess.STDOUT, env=env)
        self.cleanup.procs.append(self.proc)
        if wait:
            wait_for(lambda: "running:" in self.output() or self.proc.poll() is not None,
                     30, "vswd to start")
            assert self.proc.poll() is None, "vswd exited at start:\n" + self.output()
        return self

    def call(self, method, params=None, rid=1):
        """One JSON-RPC request on a fresh connection; returns the whole answer object."""
        req = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            req["params"] = params
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(60)
            s.connect(self.sock)
            s.sendall((json.dumps(req) + "\n").encode())
            return json.loads(recv_line(s))

    def result(self, method, params=None):
        """The result of a request that must succeed."""
        ans = self.call(method, params)
        assert "result" in ans, "%s %s: %s" % (method, params, ans)
        return ans["result"]

    def ctl(self, *args, check=None):
        """Runs vswctl against this daemon; check: expected exit code."""
        r = subprocess.run([VSWCTL, "-s", self.sock] + list(args), capture_output=True,
                           text=True, timeout=120)
        if check is not None:
            assert r.returncode == check, "vswctl %s: rc %d\n%s%s" % (
                " ".join(args), r.returncode, r.stdout, r.stderr)
        return r

    def output(self):
        with open(self.log_path) as f:
            return f.read()

    def stats(self):
        """Asks for statistics (SIGUSR1) and returns the parsed JSON line it prints."""
        before = self.output().count("vswd-stats ")
        self.proc.send_signal(signal.SIGUSR1)
        wait_for(lambda: self.output().count("vswd-stats ") > before, 10, "statistics")
        line = [l for l in self.output().splitlines() if l.startswith("vswd-stats ")][-1]
        return json.loads(line[len("vswd-stats "):])

    def port(self, stats, name):
        return [p for p in stats["ports"] if p["name"] == name][0]

    def stop(self):
        """SIGINT, expects a clean exit 0 with nothing left behind; returns final stats."""
        self.proc.send_signal(signal.SIGINT)
        rc = self.proc.wait(30)
        self.log.close()
        assert rc == 0, "vswd exited %d:\n%s" % (rc, self.output()[-3000:])
        line = [l for l in self.output().splitlines() if l.startswith("vswd-stats ")][-1]
        left = glob.glob(os.path.join(HUGEDIR, self.config["dpdk"]["file_prefix"] + "map_*"))
        assert left == [], "hugepage files left: %s" % left
        for p in self.config.get("ports", []):
            if p.get("type") == "vhost-user" and p.get("mode", "server") == "server":
                assert not os.path.exists(p["path"]), "socket left: " + p["path"]
        return json.loads(line[len("vswd-stats "):])


def recv_line(s):
    """Bytes up to and including the first newline (or EOF), decoded."""
    buf = b""
    while not buf.endswith(b"\n"):
        d = s.recv(1 << 20)
        if not d:
            break
        buf += d
    return buf.decode()


def netns_add(cleanup, name):
    sh("ip netns del %s" % name, check=False)
    sh("ip netns add %s" % name)
    cleanup.netns.append(name)
    sh("ip -n %s link set lo up" % name)


def netns_take(ns, ifname, addr=None, mtu=None):
    """Moves interface ifname into ns, brings it up, optionally sets an address and MTU."""
    wait_for(lambda: sh("ip link show %s" % ifname, check=False).returncode == 0, 10,
             "interface " + ifname)
    sh("ip link set %s netns %s" % (ifname, ns))
    if mtu:
        sh("ip -n %s link set %s mtu %d" % (ns, ifname, mtu))
    sh("ip -n %s link set %s up" % (ns, ifname))
    if addr:
        sh("ip -n %s addr add %s dev %s" % (ns, addr, ifname))
    sh("ip netns exec %s sysctl -qw net.ipv6.conf.all.disable_ipv6=1" % ns, check=False)


def ping(ns, dst, count=3, size=56, timeout=1):
    r = sh("ip netns exec %s ping -c %d -i 0.2 -W %d -s %d -M do %s" % (ns, count, timeout,
                                                                        size, dst), check=False)
    m = re.search(r"(\d+) received", r.stdout)
    return int(m.group(1)) if m else 0


class Testpmd(bench.Testpmd):
    """An interactive dpdk-testpmd, here the vhost-user guest (net_virtio_user ports). The
    driver (prompt, commands, quit) is the benchmark's."""

    __test__ = False  # not a pytest test class

    def __init__(self, cleanup, vdevs, prefix="guest", lcores="0,1", extra=(), main_lcore=None):
        self.prefix = prefix
        cleanup.prefixes.append(prefix)
        eal = ["-l", lcores, "--single-file-segments", "-m", "256"]
        if main_lcore is not None:
            eal += ["--main-lcore", str(main_lcore)]
        for v in vdevs:
            eal += ["--vdev", v]
        super().__init__(cleanup, eal, ["-i", "--nb-cores=1"] + list(extra), prefix)

    def port_stats(self):
        """{port: {"rx": n, "tx": n}} from 'show port stats all'."""
        out = self.cmd("show port stats all")
        res = {}
        for m in re.finditer(r"statistics for port (\d+).*?RX-packets:\s+(\d+).*?"
                             r"TX-packets:\s+(\d+)", out, re.S):
            res[int(m.group(1))] = {"rx": int(m.group(2)), "tx": int(m.group(3))}
        return res

