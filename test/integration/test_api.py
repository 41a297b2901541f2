# SPDX-License-Identifier: BSD-3-Clause
"""The control socket: every method through a raw JSON-RPC client and through vswctl; live
changes, refusals that change nothing, persistence across restarts and kills."""
import hashlib
import json
import os
import random
import signal
import subprocess
import threading
import time

from vswlib import VSWCTL, Vswd, netns_add, netns_take, wait_for


def null_ports(n, first=0, **kw):
    return [dict({"name": "n%d" % i, "type": "dpdk", "devargs": "net_null%d" % i}, **kw)
            for i in range(first, first + n)]


def doc_hash(v):
    return hashlib.sha256(json.dumps(v.result("config.get"), sort_keys=True).encode()).hexdigest()


def test_every_method_raw_and_vswctl(cleanup):
    v = Vswd(cleanup, {"ports": null_ports(2)}).start()
    os.chmod(v.dir, 0o755)
    assert oct(os.stat(v.sock).st_mode & 0o777) == "0o660"

    # Discovery: help and list come from one table; vswctl's help is the server's.
    names = [m["method"] for m in v.result("list")]
    for m in ("version", "config.get", "config.validate", "config.apply", "port.add",
              "port.del", "port.set", "port.list", "port.show", "fdb.show", "fdb.add",
              "fdb.del", "fdb.flush", "stats.get", "log.level", "help", "list"):
        assert m in names
    assert [m["method"] for m in v.result("help")] == names
    assert v.result("help", {"method": "port.del"})["params"][0]["name"] == "name"
    out = v.ctl("help", check=0).stdout
    assert all(n in out for n in names)
    assert set(v.ctl("--commands", check=0).stdout.split("\n")) >= {"port add", "stats get"}
    ver = v.result("version")
    assert ver["vswd"] and ver["dpdk"].startswith("DPDK 22.11") and ver["pid"] == v.proc.pid
    assert json.loads(v.ctl("--json", "version", check=0).stdout)["pid"] == v.proc.pid

    # Ports: add (live), list, show, set (live and reopen), del.
    r = v.result("port.add", {"name": "t1", "type": "dpdk", "devargs": "net_null7",
                              "vlan": {"mode": "access", "vlan": 7}})
    assert r["changes"]["ports_added"] == ["t1"] and r["saved"]
    gen = r["generation"]
    v.ctl("port", "add", "name=t2", "type=dpdk", "devargs=net_null8",
          'vlan={"mode":"trunk","allowed":[7,"10-12"]}', check=0)
    rows = {p["name"]: p for p in v.result("port.list")}
    assert set(rows) == {"n0", "n1", "t1", "t2"}
    assert rows["t2"]["vlan"] == "trunk 7,10-12"
    table = v.ctl("port", "list", check=0).stdout.splitlines()
    assert table[0].split()[:3] == ["name", "index", "type"] and len(table) == 5
    show = v.result("port.show", {"name": "t1"})
    assert show["config"]["vlan"] == {"mode": "access", "vlan": 7}
    assert show["state"]["device"] == "net_null7" and "rx_packets" in show["stats"]
    assert "config.devargs: net_null7" in v.ctl("port", "show", "t1", check=0).stdout
    r = v.result("port.set", {"name": "t1", "admin": "down"})
    assert r["changes"]["ports_changed"] == ["t1"] and r["generation"] == gen + 2
    r = v.result("port.set", {"name": "t1", "mtu": 4000})
    assert r["changes"]["ports_reopened"] == ["t1"]
    assert v.result("port.show", {"name": "t1"})["config"]["mtu"] == 4000
    v.ctl("port", "set", "t1", "admin=up", check=0)
    assert v.result("port.show", {"name": "t1"})["admin"] == "up"
    v.ctl("port", "del", "t2", check=0)
    assert "t2" not in [p["name"] for p in v.result("port.list")]

    # MAC table: static entries are config; learned ones are flushed or deleted.
    v.ctl("fdb", "add", "mac=02:00:00:00:aa:01", "vlan=7", "port=t1", check=0)
    ent = v.result("fdb.show", {"port": "t1"})["entries"]
    assert ent == [{"mac": "02:00:00:00:aa:01", "vlan": 7, "port": "t1", "type": "static",
                    "age_s": 0}]
    assert v.result("config.get")["fdb"] == [{"mac": "02:00:00:00:aa:01", "vlan": 7,
                                              "port": "t1"}]
    assert v.result("fdb.flush")["removed"] == 0  # static entries stay
    assert "removed: 0" in v.ctl("fdb", "flush", "port=t1", check=0).stdout
    assert "02:00:00:00:aa:01  7" in v.ctl("fdb", "show", check=0).stdout
    assert "config.apply" in v.ctl("list", check=0).stdout
    v.ctl("fdb", "del", "02:00:00:00:aa:01", "vlan=7", check=0)
    assert v.result("fdb.show")["total"] == 0
    ans = v.call("fdb.del", {"mac": "02:00:00:00:aa:01", "vlan": 7})
    assert ans["error"]["code"] == -32001 and ans["error"]["data"]["path"] == "params.mac"

    # Statistics and reset; log level.
    st = v.result("stats.get")
    assert {"ports", "workers", "drops", "fdb"} <= set(st)
    assert "queues" in st["ports"][0] and "rx_queues" in st["workers"][0]
    assert v.result("stats.get", {"reset": True})["reset"] is True
    st = v.result("stats.get")
    assert st["drops"]["total"] < 10 ** 7  # counting from the reset, not from start
    assert "drops.total:" in v.ctl("stats", check=0).stdout
    v.ctl("stats", "reset", check=0)
    assert v.result("log.level", {"level": "debug"})["vswd"] == "debug"
    assert v.result("log.level")["vswd"] == "debug"
    v.ctl("log", "level", "level=notice", check=0)
    assert "log level of vswd set to notice" in v.output()

    # config.get / validate / apply round trip, through vswctl and a file.
    doc = v.result("config.get")
    path = os.path.join(v.dir, "doc.json")
    with open(path, "w") as f:
        f.write(v.ctl("config", "get", check=0).stdout)
    with open(path) as f:
        assert json.load(f) == doc
    r = json.loads(v.ctl("--json", "config", "validate", path, check=0).stdout)
    assert r["valid"] and r["changes"]["ports_added"] == []
    doc["ports"] = [p for p in doc["ports"] if p["name"] != "n1"]
    doc["ports"].append({"name": "t3", "type": "dpdk", "devargs": "net_null9"})
    doc["switch"]["fdb_aging_s"] = 60
    r = v.result("config.validate", {"config": doc})["changes"]
    assert r["ports_added"] == ["t3"] and r["ports_removed"] == ["n1"] and r["switch_changed"]
    assert "n1" in [p["name"] for p in v.result("port.list")]  # a dry run
    with open(path, "w") as f:
        json.dump(doc, f)
    r = json.loads(v.ctl("--json", "config", "apply", path, check=0).stdout)
    assert r["changes"]["ports_added"] == ["t3"] and r["changes"]["ports_removed"] == ["n1"]
    got = v.result("config.get")  # normalized: defaults filled in, ports in slot order
    assert sorted(p["name"] for p in got["ports"]) == ["n0", "t1", "t3"]
    assert got["switch"]["fdb_aging_s"] == 60
    nothing = {"ports_added": [], "ports_removed": [], "ports_reopened": [],
               "ports_changed": [], "fdb_added": 0, "fdb_removed": 0, "switch_changed": False,
               "acl_changed": False, "ipsec_changed": False, "rxq_changed": False}
    assert v.result("config.validate", {"config": doc})["changes"] == nothing
    assert v.result("config.apply", {"config": got})["changes"] == nothing
    with open(v.running) as f:
        assert json.load(f) == got  # saved

    # Exit codes scripts rely on: 1 refused, 2 usage, 3 unreachable.
    r = v.ctl("port", "del", "nope", check=1)
    assert "params.name" in r.stderr
    v.ctl("no-such-command", check=2)
    v.ctl("port", "del", "t1", "extra", check=2)
    assert subprocess.run([VSWCTL, "-s", "/nonexistent.sock", "version"],
                          capture_output=True).returncode == 3
    st = v.stop()
    assert st["drops"]["total"] >= 0


def test_apply_rejected_whole(cleanup):
    """One invalid element among many valid ones: refused with its path, nothing changed."""
    v = Vswd(cleanup, {"ports": null_ports(2)}).start()
    before = doc_hash(v)
    gen = v.result("version")["config_generation"]
    doc = v.result("config.get")
    doc["ports"] += null_ports(30, first=2, rx_desc=64, tx_desc=64)
    doc["fdb"] = [{"mac": "02:00:00:00:01:%02x" % i, "port": "n%d" % i} for i in range(20)]
    cases = [
        (("ports", 23, "vlan"), {"mode": "access", "vlan": 5000},
         "params.config.ports[23].vlan.vlan", -32602),
        (("ports", 17, "mtu"), "big", "params.config.ports[17].mtu", -32602),
        (("ports", 12, "name"), "n3", "params.config.ports[12].name", -32602),
        (("ports", 28, "devargs"), "net_nosuchdriver0", "params.config.ports[28].devargs",
         -32003),
        (("fdb", 13, "port"), "ghost", "params.config.fdb[13].port", -32602),
        (("ports", 5, "colour"), "red", "params.config.ports[5].colour", -32602),
        (("dpdk", "lcores"), "0-3", "params.config.dpdk.lcores", -32002),
    ]
    for keys, val, path, code in cases:
        bad = json.loads(json.dumps(doc))
        obj = bad
        for k in keys[:-1]:
            obj = obj[k]
        obj[keys[-1]] = val
        for method in ("config.validate", "config.apply"):
            if code == -32003 and method == "config.validate":
                continue  # only opening the device finds this one
            ans = v.call(method, {"config": bad})
            assert ans["error"]["code"] == code, (method, path, ans)
            assert ans["error"]["data"]["path"] == path, ans
            assert doc_hash(v) == before
    assert v.result("version")["config_generation"] == gen
    assert [p["name"] for p in v.result("port.list")] == ["n0", "n1"]
    assert not os.path.exists(v.running)
    # The valid document then applies whole.
    r = v.result("config.apply", {"config": doc})
    assert len(r["changes"]["ports_added"]) == 30 and r["changes"]["fdb_added"] == 20
    assert len(v.result("port.list")) == 32 and v.result("fdb.show")["total"] == 20
    v.stop()


def test_apply_late_failure_leaves_nothing(cleanup):
    """A failure at the last undoable step (the MAC table refuses the static entries, after
    the new ports are open and the rules, switch keys and snapshot are staged) undoes all."""
    v = Vswd(cleanup, {"ports": null_ports(2), "switch": {"fdb_max_entries": 16},
                       "acl": [{"port": "n0", "direction": "in", "action": "deny",
                                "remote_ip": "10.1.0.0/16"}]}).start()
    before = doc_hash(v)
    gen = v.result("version")["config_generation"]
    doc = v.result("config.get")
    doc["ports"] += null_ports(3, first=2)
    doc["switch"]["fdb_aging_s"] = 77
    doc["acl"] = [{"port": "n3", "direction": "out", "action": "deny", "remote_ip": "10.2.0.0/16"}]
    # The table holds the start-up config's static entries plus 1,024 more (and the room
    # its learned entries leave: 16 here).
    doc["fdb"] = [{"mac": "02:00:00:%02x:%02x:01" % (i >> 8, i & 0xff), "port": "n%d" % (i % 5)}
                  for i in range(1500)]
    ans = v.call("config.apply", {"config": doc})
    assert ans["error"]["code"] == -32003, ans
    assert ans["error"]["data"]["path"].startswith("params.config.fdb["), ans
    assert "MAC table full" in ans["error"]["message"], ans
    assert doc_hash(v) == before
    assert v.result("version")["config_generation"] == gen
    assert [p["name"] for p in v.result("port.list")] == ["n0", "n1"]
    assert [r["port"] for r in v.result("acl.list")["rules"]] == ["n0"]
    assert v.result("fdb.show")["total"] == 0
    # The same change without the excess applies whole.
    doc["fdb"] = doc["fdb"][:100]
    r = v.result("config.apply", {"config": doc})
    assert len(r["changes"]["ports_added"]) == 3 and r["changes"]["fdb_added"] == 100
    assert v.result("config.get")["switch"]["fdb_aging_s"] == 77
    assert [r["port"] for r in v.result("acl.list")["rules"]] == ["n3"]
    v.stop()


def test_apply_unchanged_keeps_generation(cleanup):
    """Applying the running document again changes nothing, not even the generation."""
    v = Vswd(cleanup, {"ports": null_ports(2)}).start()
    gen = v.result("version")["config_generation"]
    r = v.result("config.apply", {"config": v.result("config.get")})
    assert r["generation"] == gen, r
    assert not any(r["changes"].get(k) for k in ("ports_added", "ports_removed",
                                                  "ports_changed", "ports_reopened")), r
    r = v.result("port.set", {"name": "n0", "admin": "down"})
    assert r["generation"] == gen + 1
    v.stop()


def test_restart_restores_running_config(cleanup):
    v = Vswd(cleanup, {"ports": null_ports(2)}).start()
    v.result("port.add", {"name": "x", "type": "dpdk", "devargs": "net_null5", "mtu": 9000,
                          "vlan": {"mode": "trunk", "allowed": [3, "100-200"], "native": 4}})
    v.result("port.del", {"name": "n0"})
    v.result("fdb.add", {"mac": "02:00:00:00:00:77", "vlan": 3, "port": "x"})
    v.result("port.set", {"name": "n1", "admin": "down"})
    doc = v.result("config.get")
    v.stop()
    v.start()
    assert "loading the running config" in v.output()
    assert v.result("config.get") == doc
    assert [p["name"] for p in v.result("port.list")] == ["n1", "x"]
    assert v.result("fdb.show")["entries"][0]["port"] == "x"
    v.stop()


def test_kill_during_save_leaves_old_or_new(cleanup):
    """SIGKILL while changes are being saved: the file is always one whole document."""
    v = Vswd(cleanup, {"ports": null_ports(2)}).start()
    docs = []
    for extra in range(3):
        d = v.result("config.get")
        d["ports"] = d["ports"][:2] + null_ports(extra + 1, first=10)
        docs.append(d)
    for d in docs:  # normalized forms, as saved
        v.result("config.apply", {"config": d})
        docs[docs.index(d)] = v.result("config.get")
    rnd = random.Random(7)
    for it in range(6):
        stop = threading.Event()

        def churn():
            i = 0
            while not stop.is_set():
                try:
                    v.call("config.apply", {"config": docs[i % 3]})
                except (OSError, ValueError):
                    return
                i += 1
        t = threading.Thread(target=churn)
        t.start()
        time.sleep(0.3 + rnd.random() * 0.7)
        v.proc.send_signal(signal.SIGKILL)
        v.proc.wait(30)
        stop.set()
        t.join(60)
        with open(v.running) as f:
            saved = json.load(f)  # never torn
        assert saved in docs, saved
        v.start()  # the hugepage files of the killed one are reused by the next
        assert v.result("config.get") == saved
    v.stop()


def test_telemetry_and_dumpcap(cleanup):
    """dpdk-telemetry.py reads the /vswd commands; dpdk-dumpcap captures from a vswd port."""
    v = Vswd(cleanup, {"ports": [
        {"name": "a", "type": "dpdk", "devargs": "net_tapa,iface=vsta"},
        {"name": "b", "type": "dpdk", "devargs": "net_tapb,iface=vstb"}]}).start()
    for n, ip in (("a", "10.79.0.1/24"), ("b", "10.79.0.2/24")):
        netns_add(cleanup, "vswt" + n)
        netns_take("vswt" + n, "vst" + n, ip)
    pinger = cleanup.spawn(["ip", "netns", "exec", "vswta", "ping", "-i", "0.05", "-c", "200",
                            "10.79.0.2"], stdout=subprocess.DEVNULL)
    prefix = v.config["dpdk"]["file_prefix"]
    out = subprocess.run(["dpdk-telemetry.py", "-f", prefix], input="/vswd/ports\n"
                         "/vswd/port,a\n/vswd/stats\n/vswd/nodes\n/vswd/rxq\n", capture_output=True, text=True,
                         timeout=30).stdout
    ans = {}
    for line in out.splitlines():
        if line.startswith("{"):
            ans.update(json.loads(line))
    assert ans["/vswd/ports"] == ["a", "b"], out
    assert ans["/vswd/port"]["name"] == "a" and ans["/vswd/port"]["driver"] == "net_tap"
    assert ans["/vswd/stats"]["ports"] == 2 and "total" in ans["/vswd/stats"]["drops"]
    nodes = ans["/vswd/nodes"]
    assert nodes["vsw_rx"]["calls"] > 0 and nodes["vsw_fcache"]["packets"] > 0, nodes
    assert "vswtx_0" in nodes and "vswtx_1" in nodes, nodes
    rxq = ans["/vswd/rxq"]
    assert rxq["worker_0"]["active"] == 1 and rxq["worker_0"]["queues"] == 2, rxq
    assert rxq["a/0"]["worker"] == 0 and "load_bp" in rxq["b/0"], rxq
    cap = os.path.join(v.dir, "a.pcapng")
    r = subprocess.run(["dpdk-dumpcap", "--file-prefix=" + prefix, "-i", "net_tapa", "-c", "6",
                        "-w", cap], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    dec = subprocess.run(["tshark", "-r", cap, "-T", "fields", "-e", "icmp.type"],
                         capture_output=True, text=True, timeout=60).stdout.split()
    assert len(dec) == 6 and set(dec) == {"0", "8"}, dec  # requests and replies
    pinger.kill()
    v.stop()


def test_completion_and_log_sink(cleanup):
    """Bash completion offers the server's commands; logs carry journald priorities, once."""
    v = Vswd(cleanup, {"ports": null_ports(1)}).start()
    comp = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..",
                        "scripts", "vswctl.bash-completion")

    def complete(*words):
        script = ("source %s; COMP_WORDS=(vswctl %s); COMP_CWORD=%d; _vswctl; "
                  "echo ${COMPREPLY[@]}" % (comp, " ".join(words), len(words)))
        env = dict(os.environ, VSWCTL_SOCKET=v.sock,
                   PATH=os.path.dirname(VSWCTL) + ":" + os.environ["PATH"])
        return subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                              env=env).stdout.split()
    assert complete("po") == ["port"]
    assert set(complete("port", "")) == {"add", "del", "set", "list", "show"}
    assert "fdb" in complete("")
    v.result("log.level", {"level": "info"})
    v.result("log.level", {"level": "notice"})
    out = v.output().splitlines()
    running = [l for l in out if "running:" in l]
    assert running and running[0].startswith("<5>vswd: running:") and len(running) == 1, out
    assert any(l.startswith("<5>vswd: log level of vswd set to notice") for l in out)
    v.stop()
