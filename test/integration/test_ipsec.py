# SPDX-License-Identifier: BSD-3-Clause
"""IPsec for VM traffic end to end (doc/ipsec.md).

The VM is a network namespace behind a tap port; the remote side is a namespace on the
uplink where a scapy process (GATEWAY) terminates ESP with its own SecurityAssociation
objects and forwards the inner packets to a third namespace, a Linux host. So the kernel
pings and runs TCP across vswd's ESP, and scapy, not vswd, decides whether the ESP is right.
"""
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time

from vswlib import Vswd, netns_add, netns_take, ping, sh, wait_for

VM_MAC = "02:00:00:00:01:01"      # the VM's interface (security.macs)
GW_MAC = "02:00:00:00:02:02"      # the remote gateway on the uplink (next_hop_mac)
GW_IN_MAC = "02:00:00:00:03:03"   # the gateway's side towards the remote host
HOST_MAC = "02:00:00:00:04:04"    # the remote host
LOCAL, REMOTE = "192.0.2.1", "192.0.2.2"   # tunnel endpoints: vswd, the gateway
VM_IP, HOST_IP = "10.0.0.1", "10.1.0.5"

KEY_OUT = "000102030405060708090a0b0c0d0e0f"
KEY_IN = "101112131415161718191a1b1c1d1e1f"


def sa(name, direction, spi, key, salt="a1b2c3d4", alg="aes-gcm-128", **kw):
    s = {"name": name, "port": "vm1", "direction": direction, "spi": spi, "mode": "tunnel",
         "family": 4, "alg": alg, "key": key, "uplink": "nic0",
         "local": LOCAL, "remote": REMOTE}
    if alg.startswith("aes-gcm"):
        s["salt"] = salt
    if direction == "out":
        s["next_hop_mac"] = GW_MAC
    s.update(kw)
    return s


def spd(direction, sa_name):
    return {"port": "vm1", "direction": direction, "action": "protect", "sa": sa_name,
            "remote_ip": "10.1.0.0/16"}


def ipsec_doc(sas=None, spds=None):
    return {
        "sa": sas if sas is not None else [sa("o1", "out", 0x1001, KEY_OUT),
                                            sa("i1", "in", 0x2001, KEY_IN)],
        "spd": spds if spds is not None else [spd("out", "o1"), spd("in", "i1")],
    }


def ports():
    return [
        {"name": "vm1", "type": "dpdk", "devargs": "net_tapvm1,iface=ipsvm",
         "security": {"macs": [VM_MAC]}},
        {"name": "nic0", "type": "dpdk", "devargs": "net_tapnic0,iface=ipsup"},
    ]


GATEWAY = r'''
import json, signal, sys, threading, time
from scapy.all import Ether, IP, AsyncSniffer, conf, wrpcap
from scapy.layers.ipsec import ESP, SecurityAssociation

cfg = json.load(open(sys.argv[1]))


def mk(s):
    return SecurityAssociation(ESP, spi=s["spi"], crypt_algo="AES-GCM",
                               crypt_key=bytes.fromhex(s["key"] + s["salt"]),
                               tunnel_header=IP(src=s["src"], dst=s["dst"]))


dec = {s["spi"]: mk(s) for s in cfg["decrypt"]}    # vswd's outbound SAs
enc = {s["spi"]: mk(s) for s in cfg["encrypt"]}    # vswd's inbound SAs
st = {"decrypted": 0, "encrypted": 0, "bad": 0, "plain": 0, "by_spi": {}, "seq": {}}
vswd_mac = ["ff:ff:ff:ff:ff:ff"]
cap = []
up = conf.L2socket(iface=cfg["up"])
inside = conf.L2socket(iface=cfg["inside"])
lock = threading.Lock()


def from_vswd(p):
    if Ether not in p or p[Ether].src.lower() == cfg["gw_mac"]:
        return
    with lock:
        cap.append(p)
        if IP in p and p[IP].proto == 50 and ESP in p:
            vswd_mac[0] = p[Ether].src
            k = str(p[ESP].spi)
            lo, hi = st["seq"].get(k, [p[ESP].seq, p[ESP].seq])
            st["seq"][k] = [min(lo, p[ESP].seq), max(hi, p[ESP].seq)]
            try:
                inner = dec[p[ESP].spi].decrypt(p[IP].copy())
            except Exception:
                st["bad"] += 1
                return
            st["decrypted"] += 1
            st["by_spi"][k] = st["by_spi"].get(k, 0) + 1
            inside.send(Ether(src=cfg["in_mac"], dst=cfg["host_mac"]) / inner)
        elif IP in p and p[IP].dst.startswith(cfg["protected"]):
            st["plain"] += 1   # a protected packet in the clear: must never happen


def from_host(p):
    if Ether not in p or p[Ether].src.lower() != cfg["host_mac"] or IP not in p:
        return
    with lock:
        spi = int(open(cfg["spi_file"]).read())
        e = enc[spi].encrypt(p[IP])
        st["encrypted"] += 1
        up.send(Ether(src=cfg["gw_mac"], dst=vswd_mac[0]) / e)


def save():
    with lock:
        with open(cfg["stats"] + ".tmp", "w") as f:
            json.dump(st, f)
    import os
    os.replace(cfg["stats"] + ".tmp", cfg["stats"])


done = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: done.set())
a = AsyncSniffer(iface=cfg["up"], prn=from_vswd, store=False)
b = AsyncSniffer(iface=cfg["inside"], prn=from_host, store=False)
a.start()
b.start()
time.sleep(0.5)
open(cfg["ready"], "w").close()
while not done.wait(0.2):
    save()
a.stop()
b.stop()
save()
with lock:
    wrpcap(cfg["pcap"], cap)
'''


class Gateway:
    """The remote IPsec end: namespaces, the scapy process, its counters."""

    def __init__(self, cleanup, tmp, sas_out, sas_in):
        self.tmp = tmp
        for ns in ("ipsvm", "ipsgw", "ipshost"):
            netns_add(cleanup, ns)
        netns_take("ipsvm", "ipsvm")
        sh("ip -n ipsvm link set ipsvm down")
        sh("ip -n ipsvm link set ipsvm address %s mtu 1400 up" % VM_MAC)
        sh("ip -n ipsvm addr add %s/24 dev ipsvm" % VM_IP)
        sh("ip -n ipsvm neigh add 10.0.0.254 lladdr 02:00:00:00:00:fe dev ipsvm nud permanent")
        sh("ip -n ipsvm route add 10.1.0.0/16 via 10.0.0.254")
        netns_take("ipsgw", "ipsup")
        sh("ip -n ipsgw link set ipsup down")
        sh("ip -n ipsgw link set ipsup address %s up" % GW_MAC)
        sh("ip -n ipsgw link add gwin address %s type veth peer name hostin address %s "
           "netns ipshost" % (GW_IN_MAC, HOST_MAC))
        sh("ip -n ipsgw link set gwin up")
        # The gateway handles whole packets: no segmentation or checksum offload towards it.
        sh("ip netns exec ipshost ethtool -K hostin tso off gso off tx off")
        sh("ip -n ipshost link set hostin mtu 1400 up")
        sh("ip -n ipshost addr add %s/16 dev hostin" % HOST_IP)
        sh("ip -n ipshost neigh add 10.1.0.1 lladdr %s dev hostin nud permanent" % GW_IN_MAC)
        sh("ip -n ipshost route add 10.0.0.0/24 via 10.1.0.1")
        for ns in ("ipsgw", "ipshost"):
            sh("ip netns exec %s sysctl -qw net.ipv6.conf.all.disable_ipv6=1" % ns, check=False)
        self.spi_file = os.path.join(tmp, "gw-spi")
        self.stats_file = os.path.join(tmp, "gw-stats.json")
        self.pcap = os.path.join(tmp, "uplink.pcap")
        ready = os.path.join(tmp, "gw-ready")
        for f in (ready, self.stats_file):     # a previous gateway's
            if os.path.exists(f):
                os.unlink(f)

        def ends(s, src, dst):
            return {"spi": s["spi"], "key": s["key"], "salt": s["salt"], "src": src,
                    "dst": dst}
        conf = {"up": "ipsup", "inside": "gwin", "gw_mac": GW_MAC, "in_mac": GW_IN_MAC,
                "host_mac": HOST_MAC, "protected": "10.1.", "spi_file": self.spi_file,
                "stats": self.stats_file, "pcap": self.pcap, "ready": ready,
                "decrypt": [ends(s, LOCAL, REMOTE) for s in sas_out],
                "encrypt": [ends(s, REMOTE, LOCAL) for s in sas_in]}
        self.use_spi(sas_in[0]["spi"])
        cf = os.path.join(tmp, "gw.json")
        with open(cf, "w") as f:
            json.dump(conf, f)
        script = os.path.join(tmp, "gw.py")
        with open(script, "w") as f:
            f.write(GATEWAY)
        self.log = open(os.path.join(tmp, "gw.log"), "w")
        self.proc = cleanup.spawn(["ip", "netns", "exec", "ipsgw", "/usr/bin/python3", script,
                                   cf], stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: os.path.exists(ready) or self.proc.poll() is not None, 30,
                 "the scapy gateway")
        assert self.proc.poll() is None, open(self.log.name).read()

    def use_spi(self, spi):
        """The SA the gateway encrypts with from now on (vswd's inbound SPI)."""
        with open(self.spi_file + ".tmp", "w") as f:
            f.write(str(spi))
        os.replace(self.spi_file + ".tmp", self.spi_file)

    def stats(self):
        wait_for(lambda: os.path.exists(self.stats_file), 5, "gateway stats")
        with open(self.stats_file) as f:
            return json.load(f)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(30)
        self.log.close()
        return self.stats()


TCP_SERVER = r'''
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5001))
s.listen(1)
print("listening", flush=True)
c, _ = s.accept()
while True:
    d = c.recv(65536)
    if not d:
        break
    c.sendall(d)
c.close()
'''

TCP_CLIENT = r'''
import socket, sys
data = bytes(range(256)) * int(sys.argv[2])
c = socket.create_connection((sys.argv[1], 5001), timeout=30)
c.sendall(data)
c.shutdown(socket.SHUT_WR)
got = b""
while True:
    d = c.recv(65536)
    if not d:
        break
    got += d
print("echoed=%d sent=%d same=%s" % (len(got), len(data), got == data))
'''


def tcp_echo(cleanup, tmp, blocks):
    """TCP from the VM to the remote host and back through vswd's ESP: the client's report."""
    srv = cleanup.spawn(["ip", "netns", "exec", "ipshost", "/usr/bin/python3", "-c",
                         TCP_SERVER, HOST_IP], stdout=subprocess.PIPE, text=True)
    assert srv.stdout.readline().strip() == "listening"
    r = sh("ip netns exec ipsvm /usr/bin/python3 -c '%s' %s %d" % (TCP_CLIENT, HOST_IP, blocks),
           check=False)
    srv.wait(30)
    return r.stdout.strip()


def test_config_api_and_secrets(cleanup):
    """The section applies live; keys never show in config.get, ipsec.sa.*, the log or a
    world-readable file; what config.get shows applies back; bad input names its field and
    changes nothing."""
    v = Vswd(cleanup, {"ports": ports()}).start()
    r = v.result("config.apply", {"config": {"ports": ports(), "ipsec": ipsec_doc()}})
    assert r["changes"]["ipsec_changed"] is True
    got = v.result("config.get")
    text = json.dumps(got)
    assert KEY_OUT not in text and KEY_IN not in text and "a1b2c3d4" not in text
    assert got["ipsec"]["sa"][0]["key"] == "(hidden)"
    # The running-config file holds the keys (a restart needs them), mode 0600.
    st = os.stat(v.running)
    assert stat.S_IMODE(st.st_mode) == 0o600
    assert KEY_OUT in open(v.running).read()
    # config.get's document applies back unchanged: the hidden keys stand for the running.
    r = v.result("config.apply", {"config": got})
    assert r["changes"]["ipsec_changed"] is False
    rows = v.result("ipsec.sa.list")
    assert [x["name"] for x in rows] == ["o1", "i1"]
    assert rows[0]["runs"] == "software"
    assert rows[0]["why"] == "its uplink offers no inline IPsec (rte_security)"
    assert KEY_OUT not in json.dumps(rows)
    assert v.result("ipsec.sa.show", {"name": "i1"})["spi"] == 0x2001
    assert v.result("ipsec.spd.show", {"index": 1})["sa"] == "i1"
    spd_rows = json.loads(v.ctl("--json", "ipsec", "spd", "list", check=0).stdout)
    assert [(e["index"], e["sa"]) for e in spd_rows] == [(0, "o1"), (1, "i1")]
    # The VM's offload cap: 0 means never (Hyper-V's IPsecOffloadMaximumSecurityAssociation).
    v.result("port.set", {"name": "vm1", "ipsec": {"offload_max_sa": 0}})
    assert v.result("ipsec.sa.show", {"name": "o1"})["why"] == \
        "its VM port's ipsec.offload_max_sa is 0"
    assert v.result("config.get")["ports"][0]["ipsec"]["offload_max_sa"] == 0
    out = v.ctl("ipsec", "sa", "list", check=0).stdout
    assert "o1" in out and KEY_OUT not in out
    # Bad input: the JSON path, nothing changed.
    bad = [
        ({"spi": 0x1001, "name": "o2", "key": "202122232425262728292a2b2c2d2e2f"},
         "params.spi"),                                          # duplicate SPI
        ({"name": "o2", "spi": 0x1002, "alg": "des"}, "params.alg"),
        ({"name": "o2", "spi": 0x1002, "key": "0011"}, "params.key"),
        ({"name": "o2", "spi": 0x1002, "key": KEY_OUT}, "params.key"),  # a key reused
    ]
    gen = v.result("version")["config_generation"]
    for extra, path in bad:
        s = sa("o2", "out", 0x1002, "303132333435363738393a3b3c3d3e3f")
        s.update(extra)
        ans = v.call("ipsec.sa.add", s)
        assert "error" in ans, ans
        assert ans["error"]["data"]["path"] == path, ans
    ans = v.call("ipsec.spd.add", {"port": "vm1", "direction": "out", "action": "protect",
                                   "sa": "nope"})
    assert ans["error"]["data"]["path"] == "params.sa", ans
    # An entry overlapping o1's with another action.
    ans = v.call("ipsec.spd.add", {"port": "vm1", "direction": "out", "action": "bypass",
                                   "remote_ip": "10.1.2.0/24"})
    assert "overlaps" in ans["error"]["message"], ans
    ans = v.call("ipsec.sa.del", {"name": "o1"})     # the SPD names it
    assert ans["error"]["data"]["path"].startswith("params.config.ipsec.spd"), ans
    assert v.result("version")["config_generation"] == gen
    # vswctl adds and deletes an SA with key=value arguments.
    k3 = "40" * 32
    v.ctl("ipsec", "sa", "add", "name=o3", "port=vm1", "direction=out", "spi=4099",
          "alg=aes-gcm-256", "key=" + k3, "salt=0a0b0c0d", "uplink=nic0", "local=" + LOCAL,
          "remote=" + REMOTE, "next_hop_mac=" + GW_MAC, check=0)
    assert v.result("ipsec.sa.show", {"name": "o3"})["alg"] == "aes-gcm-256"
    v.ctl("ipsec", "sa", "del", "o3", check=0)
    assert [x["name"] for x in v.result("ipsec.sa.list")] == ["o1", "i1"]
    gen = v.result("version")["config_generation"]
    # Nothing of it reached the log.
    log = v.output()
    assert KEY_OUT not in log and KEY_IN not in log and "303132333435" not in log
    assert k3 not in log and "0a0b0c0d" not in log
    v.stop()


def settled_sa_rows(v):
    """ipsec.sa.list by name, once its packet counters stayed the same for a second."""
    last = None
    for _ in range(30):
        rows = {r["name"]: r for r in v.result("ipsec.sa.list")}
        now = {k: r["packets"] for k, r in rows.items()}
        if now == last:
            return rows
        last = now
        time.sleep(1)
    return rows


def test_ping_tcp_through_esp(cleanup):
    """A namespace VM pings and runs TCP to a remote host; the wire carries only ESP, which
    scapy decrypts; tshark decrypts the capture with the SAs' keys to what the VM sent;
    per-SA counters count it."""
    doc = ipsec_doc()
    v = Vswd(cleanup, {"ports": ports(), "ipsec": doc}).start()
    gw = Gateway(cleanup, v.dir, [doc["sa"][0]], [doc["sa"][1]])
    assert ping("ipsvm", HOST_IP, count=5) == 5
    rep = tcp_echo(cleanup, v.dir, 200)          # 51,200 bytes each way
    assert rep == "echoed=51200 sent=51200 same=True", rep
    # The TCP teardown may still be on the wire: counters steady for a second, then a
    # second more for the gateway (slower under ASan) to take what is in its socket.
    rows = settled_sa_rows(v)
    time.sleep(1)
    st = gw.stop()
    assert st["plain"] == 0 and st["bad"] == 0, st
    assert st["decrypted"] >= 5 + 35 and st["encrypted"] >= 5 + 35, st
    # vswd encrypted what the gateway decrypted, and decrypted what it encrypted.
    assert rows["o1"]["packets"] == st["decrypted"], (rows["o1"], st)
    assert rows["i1"]["packets"] == st["encrypted"], (rows["i1"], st)
    assert rows["i1"]["auth_failed"] == rows["i1"]["replay"] == 0
    # tshark, given o1's key, decrypts the uplink capture: ICVs good, the pings' payload.
    uat = '"IPv4","%s","%s","0x%08x","AES-GCM with 16 octet ICV [RFC4106]","0x%s","NULL",""' % (
        LOCAL, REMOTE, 0x1001, KEY_OUT + "a1b2c3d4")
    r = subprocess.run(["tshark", "-n", "-r", gw.pcap, "-o", "esp.enable_encryption_decode:TRUE",
                        "-o", "esp.enable_authentication_check:TRUE", "-o", "uat:esp_sa:" + uat,
                        "-Y", "esp", "-T", "fields", "-e", "ip.dst", "-e", "icmp.type",
                        "-e", "esp.icv_good"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    rows = [l.split("\t") for l in r.stdout.splitlines()]
    assert len(rows) == st["decrypted"]
    echo = [x for x in rows if x[1] == "8"]
    assert len(echo) == 5 and all(x[0] == "%s,%s" % (REMOTE, HOST_IP) for x in echo), rows[:8]
    assert all(x[2] == "1" for x in rows), rows[:8]
    # The TCP bytes the VM sent, as tshark decrypts them from the uplink: exactly the data.
    r = subprocess.run(["tshark", "-n", "-r", gw.pcap, "-o", "esp.enable_encryption_decode:TRUE",
                        "-o", "uat:esp_sa:" + uat, "-o", "tcp.analyze_sequence_numbers:TRUE",
                        "-Y", "tcp.dstport == 5001 && tcp.len > 0", "-T", "fields",
                        "-e", "tcp.seq", "-e", "tcp.payload"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    sent = bytearray()
    for line in r.stdout.splitlines():
        seq, payload = line.split("\t")
        data = bytes.fromhex(payload.replace(":", ""))
        at = int(seq) - 1                      # relative sequence numbers start at 1
        sent[at:at + len(data)] = data         # a retransmission overwrites the same bytes
    assert bytes(sent) == bytes(range(256)) * 200
    v.stop()


def test_rekey_under_load_loses_nothing(cleanup):
    """Rekey both directions while the VM pings every 20 ms: add the new SAs, repoint the
    SPD entries, let the peer switch, delete the old SAs. Not one ping is lost, both SPIs
    carried traffic, and nothing protected ever left in the clear."""
    doc = ipsec_doc()
    o2 = sa("o2", "out", 0x1002, "202122232425262728292a2b2c2d2e2f", salt="01020304")
    i2 = sa("i2", "in", 0x2002, "303132333435363738393a3b3c3d3e3f", salt="05060708")
    v = Vswd(cleanup, {"ports": ports(), "ipsec": doc}).start()
    gw = Gateway(cleanup, v.dir, [doc["sa"][0], o2], [doc["sa"][1], i2])
    assert ping("ipsvm", HOST_IP, count=1) == 1
    pinger = cleanup.spawn(["ip", "netns", "exec", "ipsvm", "ping", "-c", "250", "-i", "0.02",
                            "-W", "2", HOST_IP], stdout=subprocess.PIPE, text=True)
    time.sleep(1)
    v.result("ipsec.sa.add", o2)
    v.result("ipsec.sa.add", i2)
    time.sleep(0.5)
    assert [e["sa"] for e in v.result("ipsec.spd.list")] == ["o1", "i1"]
    v.result("ipsec.spd.set", {"index": 0, "sa": "o2"})
    v.result("ipsec.spd.set", {"index": 1, "sa": "i2"})
    time.sleep(0.5)
    gw.use_spi(0x2002)
    time.sleep(1)
    v.result("ipsec.sa.del", {"name": "o1"})
    v.result("ipsec.sa.del", {"name": "i1"})
    out, _ = pinger.communicate(timeout=30)
    assert " 250 received" in out, out
    assert [x["name"] for x in v.result("ipsec.sa.list")] == ["o2", "i2"]
    st = gw.stop()
    assert st["plain"] == 0 and st["bad"] == 0, st
    assert st["by_spi"].get(str(0x1001), 0) > 20 and st["by_spi"].get(str(0x1002), 0) > 20, st
    drops = v.result("stats.get")["drops"]
    assert drops["total"] == 0, {k: x for k, x in drops.items() if x}
    v.stop()


def test_sequence_numbers_survive_restart(cleanup):
    """A restart resumes each outbound SA above its saved reserve: the numbers on the wire
    after the restart are all above those before it (never 1 again under the same key)."""
    doc = ipsec_doc()
    v = Vswd(cleanup, {"ports": ports(), "ipsec": doc}).start()
    gw = Gateway(cleanup, v.dir, [doc["sa"][0]], [doc["sa"][1]])
    assert ping("ipsvm", HOST_IP, count=3) == 3
    before = gw.stop()["seq"][str(0x1001)]
    assert before[0] == 1, before
    seq_file = os.path.join(v.dir, "ipsec-seq.json")
    assert stat.S_IMODE(os.stat(seq_file).st_mode) == 0o600
    saved = json.load(open(seq_file))["sa"]
    assert KEY_OUT not in json.dumps(saved)
    v.stop()
    v.start()                        # loads running.json: the same SAs and keys
    row = v.result("ipsec.sa.show", {"name": "o1"})
    assert row["sequence_first"] > before[1], row
    gw = Gateway(cleanup, v.dir, [doc["sa"][0]], [doc["sa"][1]])
    assert ping("ipsvm", HOST_IP, count=3) == 3
    after = gw.stop()["seq"][str(0x1001)]
    assert after[0] == row["sequence_first"] and after[0] > before[1], (before, after)
    v.stop()


BAD_ESP = r'''
import os, sys
from scapy.all import Ether, IP, ICMP, Raw, conf, raw
from scapy.layers.ipsec import ESP, SecurityAssociation
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
key, salt, spi, dst_mac, gw_mac, local, remote = sys.argv[1:8]
key, salt, spi = bytes.fromhex(key), bytes.fromhex(salt), int(spi)
s = conf.L2socket(iface="ipsup")
l2 = Ether(src=gw_mac, dst=dst_mac)
def sa(x):
    return SecurityAssociation(ESP, spi=x, crypt_algo="AES-GCM", crypt_key=key + salt,
                               tunnel_header=IP(src=remote, dst=local))
good = sa(spi)
good.seq_num = 1000         # above what the gateway sent: not a replay
def inner(i, proto=None):
    p = IP(src="10.1.0.5", dst="10.0.0.1") / ICMP(id=99, seq=i) / Raw(b"bad-input-%d" % i)
    if proto is not None:
        p = IP(src="10.1.0.5", dst="10.0.0.1", proto=proto) / Raw(bytes(40))
    return p
g = good.encrypt(inner(0))
s.send(l2 / g)                                          # delivered
s.send(l2 / g)                                          # replayed
b = bytearray(raw(good.encrypt(inner(1))))
b[-1] ^= 1
s.send(l2 / IP(bytes(b)))                               # bad ICV
t = raw(good.encrypt(inner(2)))
s.send(l2 / IP(t[:20]) / Raw(t[20:20 + 19]))           # truncated ESP
s.send(l2 / sa(0x9999).encrypt(inner(3)))              # no such SPI, to our endpoint
s.send(l2 / good.encrypt(inner(4, proto=50)))          # ESP inside ESP
# Bad padding bytes (RFC 4303: 1, 2, 3, ...), valid ICV.
pt = raw(inner(5)) + bytes([9, 9]) + bytes([2, 4])
pt += bytes((-len(pt)) % 4)
hdr = spi.to_bytes(4, "big") + (2000).to_bytes(4, "big")
iv = os.urandom(8)
ct = AESGCM(key).encrypt(salt + iv, pt, hdr)
s.send(l2 / IP(src=remote, dst=local, proto=50) / Raw(hdr + iv + ct))
print("sent")
'''


def test_lifetimes_and_bad_esp(cleanup):
    """The soft lifetime is an event and a log line, the hard one stops the SA: its frames
    are counted drops, never plaintext. Hostile ESP from the uplink (replayed, forged,
    truncated, unknown SPI, ESP in ESP, bad padding) is dropped under its own reason; only
    the one valid frame reaches the VM."""
    doc = ipsec_doc()
    doc["sa"][0]["lifetime"] = {"soft_packets": 3, "hard_packets": 5}
    v = Vswd(cleanup, {"ports": ports(), "ipsec": doc}).start()
    gw = Gateway(cleanup, v.dir, [doc["sa"][0]], [doc["sa"][1]])
    assert ping("ipsvm", HOST_IP, count=8) == 5
    wait_for(lambda: len(v.result("ipsec.events")) == 2, 5, "two lifetime events")
    ev = v.result("ipsec.events")
    assert [(e["sa"], e["lifetime"]) for e in ev] == [("o1", "soft"), ("o1", "hard")], ev
    assert v.result("ipsec.events", {"since": ev[0]["seq"]})[0]["lifetime"] == "hard"
    o1 = v.result("ipsec.sa.show", {"name": "o1"})
    assert o1["packets"] == 5 and o1["expired"] == 3, o1
    assert o1["lifetime"]["soft_reached"] and o1["lifetime"]["hard_reached"]
    assert "reached its soft lifetime" in v.output() and "reached its hard lifetime" in v.output()
    assert v.result("stats.get")["drops"]["ipsec_sa_expired"] == 3
    st = gw.stop()
    assert st["decrypted"] == 5 and st["plain"] == 0, st
    # Hostile ESP on the uplink, from the gateway's namespace.
    vm_before = [p for p in v.result("stats.get")["ports"] if p["name"] == "vm1"][0]
    i1 = doc["sa"][1]
    up_mac = sh("ip netns exec ipsgw cat /sys/class/net/ipsup/address").stdout.strip()
    r = sh("ip netns exec ipsgw /usr/bin/python3 -c '%s' %s %s %d ff:ff:ff:ff:ff:ff %s %s %s" % (
        BAD_ESP, i1["key"], i1["salt"], i1["spi"], GW_MAC, LOCAL, REMOTE))
    assert "sent" in r.stdout, r.stderr
    assert up_mac
    want = {"ipsec_replay": 1, "ipsec_auth_failed": 1, "ipsec_no_sa": 1, "ipsec_nested": 1,
            "ipsec_inbound_failed": 2}
    try:
        wait_for(lambda: all(v.result("stats.get")["drops"][k] == n for k, n in want.items()),
                 5, "the hostile frames' drops")
    except AssertionError:
        d = v.result("stats.get")["drops"]
        raise AssertionError({k: x for k, x in d.items() if x})
    i1row = v.result("ipsec.sa.show", {"name": "i1"})
    assert i1row["replay"] == 1 and i1row["auth_failed"] == 1 and i1row["malformed"] == 3, i1row
    vm_after = [p for p in v.result("stats.get")["ports"] if p["name"] == "vm1"][0]
    assert vm_after["tx_packets"] - vm_before["tx_packets"] == 1
    v.stop()


def test_catch_all_policy(cleanup):
    """SPD entries without selectors protect everything (decided without classifying): the
    VM's pings go through ESP, and a plaintext frame from the uplink to the VM is dropped."""
    doc = ipsec_doc(spds=[{"port": "vm1", "direction": "out", "action": "protect", "sa": "o1"},
                          {"port": "vm1", "direction": "in", "action": "protect", "sa": "i1"}])
    v = Vswd(cleanup, {"ports": ports(), "ipsec": doc}).start()
    gw = Gateway(cleanup, v.dir, [doc["sa"][0]], [doc["sa"][1]])
    assert ping("ipsvm", HOST_IP, count=3) == 3
    # Every plaintext frame to the VM is refused (also the namespaces' own multicast).
    st0 = v.result("stats.get")
    before = st0["drops"]["ipsec_policy"]
    vm_tx = [p["tx_packets"] for p in st0["ports"] if p["name"] == "vm1"][0]
    r = sh("ip netns exec ipsgw /usr/bin/python3 -c '%s'" % (
        "from scapy.all import Ether, IP, ICMP, sendp; "
        "sendp(Ether(src=\"%s\", dst=\"%s\")/IP(src=\"10.9.9.9\", dst=\"%s\")/ICMP(), "
        "iface=\"ipsup\", verbose=False)" % (GW_MAC, VM_MAC, VM_IP)))
    assert r.returncode == 0, r.stderr
    try:
        wait_for(lambda: v.result("stats.get")["drops"]["ipsec_policy"] >= before + 1, 5,
                 "the plaintext frame's drop")
    except AssertionError:
        st = v.result("stats.get")
        raise AssertionError(({k: x for k, x in st["drops"].items() if x},
                              [(p["name"], p["rx_packets"], p["tx_packets"]) for p in st["ports"]]))
    st1 = v.result("stats.get")
    assert [p["tx_packets"] for p in st1["ports"] if p["name"] == "vm1"][0] == vm_tx
    st = gw.stop()
    assert st["plain"] == 0 and st["decrypted"] == 3, st
    v.stop()


def unexpected_drops(v):
    """The drop reasons with counts, but tx_full: a tap's kernel queue that was full for a
    moment (the kernel's backpressure; TCP sends again) is counted, and is no fault here."""
    drops = v.result("stats.get")["drops"]
    return {k: x for k, x in drops.items() if x and k not in ("total", "tx_full")}


def test_two_workers_inbound_handoff(cleanup):
    """Two workers (sharing a core): when the inbound SA's frames arrive on the RX queue of
    the worker that does not own the SA (SPI modulo workers), every one is handed over
    through the owner's ring (the stolen edge) and decrypted there; pings and TCP still get
    through, nothing is dropped. The kernel picks the tap queue by flow (the SPI counts), so
    the test tries SPIs until the frames land on the other worker's queue."""
    two = [dict(p, queues=2) for p in ports()]      # net_tap: as many RX as TX queues
    cands = [sa("i1", "in", 0x2002 + k, KEY_IN) for k in range(12)]
    doc = ipsec_doc(sas=[sa("o1", "out", 0x1001, KEY_OUT), cands[0]])
    v = Vswd(cleanup, {"dpdk": {"lcores": "0@0,1@1,2@1"}, "ports": two, "ipsec": doc}).start()
    assert len(v.result("stats.get")["workers"]) == 2
    gw = Gateway(cleanup, v.dir, [doc["sa"][0]], cands)

    def handoffs():
        return [w["ipsec_handoffs"] for w in v.result("stats.get")["workers"]]
    for c in cands:
        doc["sa"][1] = c
        v.result("config.apply", {"config": {"ports": two, "ipsec": doc}})
        gw.use_spi(c["spi"])
        before = handoffs()
        assert ping("ipsvm", HOST_IP, count=2) == 2
        if handoffs() != before:
            break
    else:
        raise AssertionError("no SPI of 12 landed on the other worker's queue")
    before = handoffs()
    assert ping("ipsvm", HOST_IP, count=5) == 5
    rep = tcp_echo(cleanup, v.dir, 100)
    assert rep == "echoed=25600 sent=25600 same=True", rep
    after = handoffs()
    # The ESP of this SPI arrives on one queue: one worker hands it all to the other.
    moved = [a - b for a, b in zip(after, before)]
    assert sorted(moved)[0] == 0 and sorted(moved)[1] >= 5 + 10, moved
    assert not unexpected_drops(v)
    # One worker leaves the running set (switch.workers): worker 0 polls every queue and
    # owns every inbound SA; ESP is decrypted there, with no handoff.
    v.result("config.apply", {"config": {"ports": two, "ipsec": doc,
                                         "switch": {"workers": 1}}})
    before = handoffs()
    assert ping("ipsvm", HOST_IP, count=5) == 5
    assert handoffs() == before
    assert {q["worker"] for q in v.result("rxq.show")["queues"]} == {0}
    gs = gw.stop()
    assert gs["plain"] == 0, gs
    assert not unexpected_drops(v)
    v.stop()
