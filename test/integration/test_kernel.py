# SPDX-License-Identifier: BSD-3-Clause
"""The Linux kernel stack as the peer: namespaces behind tap and af_packet ports."""
from vswlib import Vswd, netns_add, netns_take, ping, sh

SCAPY_TRUNK = r'''
import sys
from scapy.all import Ether, Dot1Q, IP, ICMP, conf, get_if_hwaddr, sendp, AsyncSniffer
import time
iface, vid, src_ip, dst_ip, dst_mac = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
me = get_if_hwaddr(iface)
sn = AsyncSniffer(iface=iface, store=True, timeout=4)
sn.start()
time.sleep(0.5)
for i in range(3):
    sendp(Ether(src=me, dst=dst_mac)/Dot1Q(vlan=vid)/IP(src=src_ip, dst=dst_ip)/ICMP(id=vid, seq=i)/b"vswd-trunk",
          iface=iface, verbose=False)
    time.sleep(0.2)
sn.join()
tags = set()
replies = 0
for p in sn.results:
    if p.haslayer(ICMP) and p[ICMP].type == 0 and p[IP].src == dst_ip:
        replies += 1
        tags.add(p[Dot1Q].vlan if p.haslayer(Dot1Q) else None)
print("replies=%d tags=%s" % (replies, ",".join(str(t) for t in sorted(tags, key=str))))
'''


def tap(name, iface, **kw):
    p = {"name": name, "type": "dpdk", "devargs": "net_tap%s,iface=%s" % (name, iface)}
    p.update(kw)
    return p


def test_tap_ping(cleanup):
    """Two namespaces behind net_tap ports ping each other; counters add up."""
    v = Vswd(cleanup, {"ports": [tap("a", "vsta"), tap("b", "vstb")]}).start()
    for n, ip in (("a", "10.77.0.1/24"), ("b", "10.77.0.2/24")):
        netns_add(cleanup, "vswt" + n)
        netns_take("vswt" + n, "vst" + n, ip)
    assert ping("vswta", "10.77.0.2", count=5) == 5
    assert ping("vswtb", "10.77.0.1", count=5, size=1472) == 5
    st = v.stop()
    a, b = v.port(st, "a"), v.port(st, "b")
    assert a["rx_packets"] >= 10 and b["rx_packets"] >= 10
    # Every frame received was sent or dropped with a reason (only two ports: 1:1).
    assert a["rx_packets"] == b["tx_packets"] + a["rx_dropped"] + b["tx_dropped"]
    assert b["rx_packets"] == a["tx_packets"] + b["rx_dropped"] + a["tx_dropped"]


def test_jumbo_ping(cleanup):
    """8000-byte pings at MTU 9000 between namespaces.

    net_tap in DPDK 22.11 cannot transmit frames above 1522 bytes (its TX compares frames with
    an ethdev MTU capped at its declared 1522-byte maximum), so the kernel peers sit behind
    net_af_packet ports on veth pairs; vswd gives those a jumbo mbuf pool.
    """
    ports = []
    for n in ("a", "b"):
        sh("ip link del vsj%s" % n, check=False)
        sh("ip link add vsj%s type veth peer name vsk%s" % (n, n))
        cleanup.links.append("vsj" + n)
        sh("ip link set vsj%s mtu 9000 up" % n)
        ports.append({"name": n, "type": "dpdk", "mtu": 9000,
                      "devargs": "net_af_packet%s,iface=vsj%s,framesz=10240,blocksz=20480" % (n, n)})
    v = Vswd(cleanup, {"ports": ports}).start()
    for n, ip in (("a", "10.78.0.1/24"), ("b", "10.78.0.2/24")):
        netns_add(cleanup, "vswj" + n)
        netns_take("vswj" + n, "vsk" + n, ip, mtu=9000)
    assert ping("vswja", "10.78.0.2", count=5, size=8000) == 5
    assert ping("vswjb", "10.78.0.1", count=3, size=8972) == 3
    st = v.stop()
    assert v.port(st, "b")["tx_bytes"] >= 5 * 8042
    assert st["drops"]["total"] == 0


def test_jumbo_over_port_mtu_dropped(cleanup):
    """A frame longer than the ingress port's MTU is a counted drop, not forwarded."""
    ports = []
    for n, mtu in (("a", 9000), ("b", 1500)):
        sh("ip link del vsj%s" % n, check=False)
        sh("ip link add vsj%s type veth peer name vsk%s" % (n, n))
        cleanup.links.append("vsj" + n)
        sh("ip link set vsj%s mtu 9000 up" % n)
        big = ",framesz=10240,blocksz=20480" if mtu > 1500 else ""
        ports.append({"name": n, "type": "dpdk", "mtu": mtu,
                      "devargs": "net_af_packet%s,iface=vsj%s%s" % (n, n, big)})
    v = Vswd(cleanup, {"ports": ports}).start()
    for n, ip in (("a", "10.79.0.1/24"), ("b", "10.79.0.2/24")):
        netns_add(cleanup, "vswj" + n)
        netns_take("vswj" + n, "vsk" + n, ip, mtu=9000)
    assert ping("vswja", "10.79.0.2", count=2) == 2
    assert ping("vswja", "10.79.0.2", count=3, size=4000) == 0
    st = v.stop()
    assert st["drops"]["egress_mtu"] >= 3


def test_vlan_isolation_and_trunk(cleanup):
    """Access VLANs are isolated; a trunk carries both, tagged both ways."""
    ports = [tap("a10", "vsv10", vlan={"mode": "access", "vlan": 10}),
             tap("b20", "vsv20", vlan={"mode": "access", "vlan": 20}),
             tap("c10", "vsc10", vlan={"mode": "access", "vlan": 10}),
             tap("trk", "vsvtrk", vlan={"mode": "trunk", "allowed": [10, 20]})]
    v = Vswd(cleanup, {"ports": ports}).start()
    addrs = {"vsv10": "10.80.0.1/24", "vsv20": "10.80.0.2/24", "vsc10": "10.80.0.3/24"}
    for ifn, ip in addrs.items():
        netns_add(cleanup, "ns" + ifn)
        netns_take("ns" + ifn, ifn, ip)
    netns_add(cleanup, "nsvsvtrk")
    netns_take("nsvsvtrk", "vsvtrk")
    # Same VLAN reaches, different VLANs do not.
    assert ping("nsvsv10", "10.80.0.3") == 3
    assert ping("nsvsv10", "10.80.0.2") == 0
    assert ping("nsvsv20", "10.80.0.3") == 0
    trunk_mac = sh("ip -n nsvsvtrk -br link show vsvtrk").stdout.split()[2]
    for vid, ifn in ((10, "vsv10"), (20, "vsv20")):
        dst_ip = addrs[ifn].split("/")[0]
        mac = sh("ip -n ns%s -br link show %s" % (ifn, ifn)).stdout.split()[2]
        # The kernel behind the access port needs to know where the trunk host lives.
        sh("ip -n ns%s neigh replace 10.80.0.%d lladdr %s dev %s" % (ifn, 100 + vid, trunk_mac, ifn))
        out = sh("ip netns exec nsvsvtrk /usr/bin/python3 -c '%s' vsvtrk %d 10.80.0.%d %s %s"
                 % (SCAPY_TRUNK.replace("'", "'\\''"), vid, 100 + vid, dst_ip, mac)).stdout
        # Three tagged requests answered, every reply tagged with the request's VLAN.
        assert "replies=3 tags=%d" % vid in out, out
    st = v.stop()
    assert st["drops"]["vlan_not_allowed"] == 0
