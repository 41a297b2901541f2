# SPDX-License-Identifier: BSD-3-Clause
"""Port security against real peers: dnsmasq and busybox udhcpc, the kernel's router
discovery, scapy frames, tshark captures, all in namespaces behind tap ports."""
import os
import subprocess
import sys
import time

from vswlib import Vswd, netns_add, netns_take, ping, sh, wait_for


def tap(name, iface, **kw):
    p = {"name": name, "type": "dpdk", "devargs": "net_tap%s,iface=%s" % (name, iface)}
    p.update(kw)
    return p


def drops(v, reason):
    return v.result("stats.get")["drops"][reason]


def ns_mac(ns, ifname):
    return sh("ip netns exec %s cat /sys/class/net/%s/address" % (ns, ifname)).stdout.strip()


def scapy(ns, code, *args, timeout=60):
    """Runs a scapy script in namespace ns; returns its stdout."""
    r = subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c", code] +
                       [str(a) for a in args], capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, r.stderr
    return r.stdout


def pair(cleanup, v_ports, net, **cfg):
    """Starts vswd with v_ports; namespaces vsp<name> take the tap vsp<name> with net.<k>."""
    v = Vswd(cleanup, dict(cfg, ports=v_ports)).start()
    for k, p in enumerate(v_ports, 1):
        ns = "vsp" + p["name"]
        netns_add(cleanup, ns)
        netns_take(ns, ns, "%s.%d/24" % (net, k))
    return v


def udhcpc(ns, ifname):
    """True when busybox udhcpc obtains a lease on ifname within a few seconds."""
    r = sh("ip netns exec %s busybox udhcpc -i %s -n -q -f -t 3 -T 1 -s /bin/true" % (ns, ifname),
           check=False)
    return r.returncode == 0 and "obtained" in (r.stdout + r.stderr)


def test_dhcp_guard(cleanup):
    """dnsmasq behind a guarded port gives no lease; authorized or unguarded, it does."""
    v = pair(cleanup, [tap("srv", "vspsrv", security={"dhcp_guard": True}),
                       tap("cli", "vspcli")], "10.81.0")
    sh("ip -n vspcli addr flush dev vspcli")
    lease = os.path.join(v.dir, "leases")
    cleanup.spawn(["ip", "netns", "exec", "vspsrv", "dnsmasq", "--no-daemon", "--port=0",
                   "--interface=vspsrv", "--bind-interfaces", "--dhcp-leasefile=" + lease,
                   "--dhcp-range=10.81.0.50,10.81.0.60,2m", "--pid-file=" + lease + ".pid"],
                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    assert not udhcpc("vspcli", "vspcli"), "lease through a guarded port"
    assert drops(v, "sec_dhcp_guard") >= 1
    v.ctl("port", "set", "srv", 'security={"dhcp_guard": true, "dhcp_server": true}', check=0)
    assert udhcpc("vspcli", "vspcli"), "no lease from an authorized server"
    v.result("port.set", {"name": "srv", "security": {"dhcp_guard": False}})
    n = drops(v, "sec_dhcp_guard")
    assert udhcpc("vspcli", "vspcli"), "no lease with the guard off"
    assert drops(v, "sec_dhcp_guard") == n
    v.stop()


SCAPY_RA = r'''
import sys
from scapy.all import Ether, IPv6, ICMPv6ND_RA, ICMPv6NDOptPrefixInfo, ICMPv6NDOptSrcLLAddr, sendp, get_if_hwaddr
iface = sys.argv[1]
me = get_if_hwaddr(iface)
ra = (Ether(src=me, dst="33:33:00:00:00:01") / IPv6(src="fe80::99", dst="ff02::1", hlim=255) /
      ICMPv6ND_RA(routerlifetime=1800) / ICMPv6NDOptSrcLLAddr(lladdr=me) /
      ICMPv6NDOptPrefixInfo(prefix="2001:db8:81::", prefixlen=64))
sendp([ra] * 3, iface=iface, inter=0.2, verbose=False)
'''


def v6_on(ns, ifname):
    for k in ("all", "default", ifname):
        sh("ip netns exec %s sysctl -qw net.ipv6.conf.%s.disable_ipv6=0" % (ns, k))
    sh("ip netns exec %s sysctl -qw net.ipv6.conf.%s.accept_ra=2" % (ns, ifname))


def default_v6(ns):
    return "fe80::99" in sh("ip -n %s -6 route show default" % ns).stdout


def test_router_guard(cleanup):
    """An RA from a guarded port never reaches the host; unguarded, it installs a route."""
    v = pair(cleanup, [tap("rtr", "vsprtr", security={"router_guard": True}),
                       tap("host", "vsphost")], "10.83.0")
    v6_on("vsphost", "vsphost")
    time.sleep(2)  # DAD of the link-local address
    scapy("vsprtr", SCAPY_RA, "vsprtr")
    time.sleep(1)
    assert not default_v6("vsphost"), "the RA got through the guard"
    assert drops(v, "sec_router_guard") == 3
    v.result("port.set", {"name": "rtr", "security": {"router_guard": False}})
    scapy("vsprtr", SCAPY_RA, "vsprtr")
    wait_for(lambda: default_v6("vsphost"), 10, "default route from the RA")
    assert drops(v, "sec_router_guard") == 3
    v.stop()


SCAPY_SPOOF = r'''
import sys
from scapy.all import Ether, IP, ICMP, sendp
iface, src = sys.argv[1], sys.argv[2]
sendp([Ether(src=src, dst="ff:ff:ff:ff:ff:ff") / IP(src="10.84.0.9", dst="10.84.0.2") / ICMP()] * 5,
      iface=iface, verbose=False)
'''


def test_mac_spoofing(cleanup):
    """With mac_spoofing off, a foreign source MAC is dropped and never learned."""
    own = "02:00:00:84:00:01"
    v = Vswd(cleanup, {"ports": [tap("vm", "vspvm", security={"macs": [own],
                                                               "mac_spoofing": False}),
                                 tap("peer", "vsppeer")]}).start()
    for k, n in enumerate(("vm", "peer"), 1):
        netns_add(cleanup, "vsp" + n)
        if n == "vm":
            wait_for(lambda: sh("ip link show vspvm", check=False).returncode == 0, 10, "tap")
            sh("ip link set vspvm address " + own)
        netns_take("vsp" + n, "vsp" + n, "10.84.0.%d/24" % k)
    assert ping("vspvm", "10.84.0.2", count=3) == 3
    # (The tap may have sent a frame with its first MAC before the change: counted too.)
    n0 = drops(v, "sec_mac_spoofing")
    scapy("vspvm", SCAPY_SPOOF, "vspvm", "02:00:00:de:ad:01")
    time.sleep(0.5)
    assert drops(v, "sec_mac_spoofing") == n0 + 5
    macs = [e["mac"] for e in v.result("fdb.show")["entries"]]
    assert own in macs and "02:00:00:de:ad:01" not in macs, macs
    # Spoofing allowed: the same frames pass and the MAC is learned.
    v.result("port.set", {"name": "vm", "security": {"macs": [own], "mac_spoofing": True}})
    scapy("vspvm", SCAPY_SPOOF, "vspvm", "02:00:00:de:ad:01")
    wait_for(lambda: "02:00:00:de:ad:01" in [e["mac"] for e in v.result("fdb.show")["entries"]],
             5, "spoofed MAC learned")
    assert drops(v, "sec_mac_spoofing") == n0 + 5
    v.stop()


SERVER = r'''
import socket, sys
ls = []
for p in sys.argv[1:]:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(p)))
    s.listen(16)
    ls.append(s)
print("ready", flush=True)
import select
while True:
    r, _, _ = select.select(ls, [], [])
    for s in r:
        c, _ = s.accept()
        c.sendall(b"hello")
        c.close()
'''

CLIENT = r'''
import socket, sys
try:
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
    print("ok" if s.recv(5) == b"hello" else "bad")
except OSError as e:
    print("fail", e)
'''


def tcp_ok(ns, ip, port):
    r = subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c", CLIENT, ip, str(port)],
                       capture_output=True, text=True, timeout=30)
    return r.stdout.startswith("ok")


def acl_apply(v, rules):
    doc = v.result("config.get")
    doc["acl"] = rules
    return v.result("config.apply", {"config": doc})


def test_acl_ping_tcp_stateful(cleanup):
    """Ping and TCP allowed and denied by port rules; stateful rules let return traffic in."""
    v = pair(cleanup, [tap("a", "vspa"), tap("b", "vspb")], "10.82.0")
    srv = cleanup.spawn(["ip", "netns", "exec", "vspb", sys.executable, "-c", SERVER, "5001",
                         "5002"], stdout=subprocess.PIPE, text=True)
    assert srv.stdout.readline().strip() == "ready"
    assert ping("vspa", "10.82.0.2") == 3 and tcp_ok("vspa", "10.82.0.2", 5001)
    # Deny everything from a to b's /32 (basic rule): ping and TCP fail, ARP still passes.
    acl_apply(v, [{"port": "a", "direction": "out", "action": "deny",
                   "remote_ip": "10.82.0.2/32", "name": "no-b"}])
    assert ping("vspa", "10.82.0.2") == 0
    assert not tcp_ok("vspa", "10.82.0.2", 5001)
    rules = v.result("acl.list")["rules"]
    assert rules[0]["out_packets"] >= 4 and rules[0]["in_packets"] is None
    assert drops(v, "acl_deny_out") >= 4
    # The longest prefix wins: an allow for the /32 beats a deny of the /24.
    acl_apply(v, [{"port": "a", "direction": "out", "action": "deny", "remote_ip": "10.82.0.0/24"},
                  {"port": "a", "direction": "out", "action": "allow", "remote_ip": "10.82.0.2"}])
    assert ping("vspa", "10.82.0.2") == 3
    # Extended: TCP to 5001 allowed statefully (weight beats the basic deny), all else from b
    # to a denied: 5001 connects, 5002 does not, ping does not.
    base = [{"port": "a", "direction": "both", "action": "deny", "remote_ip": "10.82.0.0/24"},
            {"port": "a", "direction": "out", "action": "allow", "protocol": "tcp",
             "remote_ip": "10.82.0.2", "remote_port": 5001, "weight": 10, "stateful": True,
             "name": "web"}]
    acl_apply(v, base)
    assert tcp_ok("vspa", "10.82.0.2", 5001)
    assert not tcp_ok("vspa", "10.82.0.2", 5002)
    assert ping("vspa", "10.82.0.2") == 0
    assert v.result("acl.list")["stateful_flows"] >= 1
    # The same rule without state: the SYN goes out, the SYN-ACK is denied on the way in.
    base[1]["stateful"] = False
    acl_apply(v, base)
    assert not tcp_ok("vspa", "10.82.0.2", 5001)
    assert drops(v, "acl_deny_in") >= 1
    # Through vswctl too: add, list, delete by name.
    v.ctl("acl", "del", "name=web", check=0)
    v.ctl("acl", "add", "port=a", "direction=out", "action=allow", "protocol=tcp",
          "weight=5", "remote_port=5002", "name=alt", check=0)
    out = v.ctl("--json", "acl", "list", check=0).stdout
    assert '"alt"' in out and '"web"' not in out
    v.stop()


def capture(cleanup, ns, ifname, path, filt):
    """Starts tshark in ns; returns the process once it is capturing."""
    log = open(path + ".log", "w")
    p = cleanup.spawn(["ip", "netns", "exec", ns, "tshark", "-q", "-i", ifname, "-f", filt,
                       "-w", path], stdout=log, stderr=subprocess.STDOUT)
    wait_for(lambda: "Capturing on" in open(path + ".log").read(), 20, "tshark")
    time.sleep(1)  # "Capturing on" comes a little before the first frame is really caught
    return p


def tshark_fields(path, *fields, filt=None):
    cmd = ["tshark", "-r", path, "-T", "fields"] + sum([["-e", f] for f in fields], [])
    if filt:
        cmd += ["-Y", filt]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [l.split("\t") for l in out.splitlines() if l]


def stop_capture(p):
    time.sleep(1)
    p.terminate()
    p.wait(20)


def test_meter_matches_tshark(cleanup):
    """Per-rule metering: bytes per direction equal what tshark saw on the VM's interface."""
    v = pair(cleanup, [tap("a", "vspa"), tap("b", "vspb")], "10.85.0")
    acl_apply(v, [{"port": "a", "direction": "both", "action": "meter", "remote_ip": "0.0.0.0/0",
                   "name": "internet"},
                  {"port": "a", "direction": "both", "action": "meter",
                   "remote_ip": "10.85.0.0/24", "name": "datacenter"}])
    cap = os.path.join(v.dir, "a.pcap")
    p = capture(cleanup, "vspa", "vspa", cap, "ip")
    assert ping("vspa", "10.85.0.2", count=7, size=300) == 7
    assert ping("vspa", "10.85.0.2", count=4, size=1000) == 4
    stop_capture(p)
    frames = tshark_fields(cap, "ip.src", "frame.len")
    out_b = sum(int(l) for s, l in frames if s == "10.85.0.1")
    in_b = sum(int(l) for s, l in frames if s == "10.85.0.2")
    m = {r["name"]: r for r in v.result("acl.meter", {"port": "a"})["meters"]}
    assert m["datacenter"]["out_bytes"] == out_b and m["datacenter"]["in_bytes"] == in_b, \
        (m, out_b, in_b)
    assert m["datacenter"]["out_packets"] == 11 and m["datacenter"]["in_packets"] == 11
    assert m["internet"]["out_packets"] == 0 and m["internet"]["in_packets"] == 0
    txt = v.ctl("acl", "meter", "port=a", check=0).stdout
    assert "datacenter" in txt
    v.stop()


def test_mirroring(cleanup):
    """tshark on the destination port's tap sees every frame of the source, both ways."""
    v = Vswd(cleanup, {"ports": [tap("a", "vspa", mirror="source"), tap("b", "vspb"),
                                 tap("m", "vspm", mirror="destination")]}).start()
    for k, n in enumerate(("a", "b", "m"), 1):
        netns_add(cleanup, "vsp" + n)
        netns_take("vsp" + n, "vsp" + n, "10.86.0.%d/24" % k if n != "m" else None)
    cap = os.path.join(v.dir, "m.pcap")
    p = capture(cleanup, "vspm", "vspm", cap, "icmp")
    assert ping("vspa", "10.86.0.2", count=6) == 6
    # b's own traffic to m's... nothing: b is not a source.
    stop_capture(p)
    icmp = tshark_fields(cap, "ip.src", "icmp.type")
    req = [r for r in icmp if r == ["10.86.0.1", "8"]]
    rep = [r for r in icmp if r == ["10.86.0.2", "0"]]
    assert len(req) == 6 and len(rep) == 6 and len(icmp) == 12, icmp
    st = v.result("stats.get")
    assert sum(w["mirror_copies"] for w in st["workers"]) >= 12
    v.stop()


SCAPY_FLOOD = r'''
import sys, time
from scapy.all import Ether, IP, UDP, conf, get_if_hwaddr
iface, n = sys.argv[1], int(sys.argv[2])
s = conf.L2socket(iface=iface)
f = bytes(Ether(src=get_if_hwaddr(iface), dst="ff:ff:ff:ff:ff:ff") / IP(dst="255.255.255.255") / UDP(dport=9) / (b"x" * 18))
t0 = time.time()
for i in range(n):
    s.send(f)
    if i % 50 == 49:  # about 5,000 frames per second, 10 times the limit
        while time.time() < t0 + (i + 1) / 5000.0:
            time.sleep(0.001)
print(time.time() - t0)
'''


def test_storm_limit(cleanup):
    """A broadcast flood is cut to the port's storm limit, within 10 %."""
    limit = 500
    v = pair(cleanup, [tap("a", "vspa", security={"storm_limit": limit}), tap("b", "vspb")],
             "10.87.0")
    before = v.port(v.stats(), "b")["tx_packets"]
    sent = 10000
    secs = float(scapy("vspa", SCAPY_FLOOD, "vspa", sent).strip())
    time.sleep(0.5)
    st = v.stats()
    passed = v.port(st, "b")["tx_packets"] - before
    expect = limit * secs
    assert sent / secs > 3 * limit, "flood too slow to test: %.0f pps" % (sent / secs)
    assert abs(passed - expect) <= 0.1 * expect, (passed, expect, secs)
    assert st["drops"]["storm_limit"] >= sent - passed - 50
    v.stop()


def test_private_vlans(cleanup):
    """Isolated ports reach only promiscuous ones; a community reaches itself and those."""
    ports = [tap("p", "vspp", vlan={"mode": "access", "vlan": 200},
                 pvlan={"mode": "promiscuous"}),
             tap("i1", "vspi1", vlan={"mode": "access", "vlan": 200},
                 pvlan={"mode": "isolated", "secondary": 201}),
             tap("i2", "vspi2", vlan={"mode": "access", "vlan": 200},
                 pvlan={"mode": "isolated", "secondary": 201}),
             tap("c1", "vspc1", vlan={"mode": "access", "vlan": 200},
                 pvlan={"mode": "community", "secondary": 202}),
             tap("c2", "vspc2", vlan={"mode": "access", "vlan": 200},
                 pvlan={"mode": "community", "secondary": 202})]
    v = pair(cleanup, ports, "10.88.0")
    ip = {p["name"]: "10.88.0.%d" % k for k, p in enumerate(ports, 1)}

    def reach(a, b):
        return ping("vsp" + a, ip[b], count=1, timeout=1) == 1
    assert reach("i1", "p") and reach("c1", "p") and reach("c1", "c2")
    assert not reach("i1", "i2") and not reach("c1", "i1") and not reach("i2", "c2")
    st = v.result("stats.get")["drops"]
    assert st["egress_pvlan"] > 0  # the ARP broadcasts that were not flooded across
    # Live: i2 becomes promiscuous and reaches everyone.
    v.result("port.set", {"name": "i2", "pvlan": {"mode": "promiscuous"}})
    # (the kernel's neighbour entries for i2 failed a moment ago: give ARP a few tries)
    assert ping("vspi1", ip["i2"], count=3) >= 1
    assert reach("i1", "i2") and reach("c2", "i2")
    v.stop()


def test_acl_replace_thousands_no_loss(cleanup):
    """Rule sets of 3,000 rules replaced while a ping stream runs: no ping lost."""
    v = pair(cleanup, [tap("a", "vspa"), tap("b", "vspb")], "10.89.0")

    def rules(k):
        r = [{"port": "a", "direction": "both", "action": "deny",
              "remote_ip": "172.%d.%d.%d/32" % (16 + k, i // 250, i % 250)} for i in range(3000)]
        r.append({"port": "a", "direction": "both", "action": "meter", "remote_ip": "10.89.0.0/24",
                  "name": "m"})
        return r
    acl_apply(v, rules(0))
    pinger = subprocess.Popen(["ip", "netns", "exec", "vspa", "ping", "-c", "400", "-i", "0.01",
                               "-W", "1", "10.89.0.2"], stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)
    for k in range(1, 5):
        t0 = time.time()
        acl_apply(v, rules(k))
        print("apply of 3001 rules: %.0f ms" % ((time.time() - t0) * 1000))
    out = pinger.communicate(timeout=60)[0]
    assert " 400 received" in out, out
    v.stop()
