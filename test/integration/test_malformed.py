# SPDX-License-Identifier: BSD-3-Clause
"""Thousands of malformed frames replayed into a net_pcap port: good traffic still flows,
every bad frame is a counted drop with the right reason.

The expected outcome of every frame comes from a small reference model written here from the
documented rules (doc/architecture.md, "Drop reasons"), not from vswd's code.
"""
import collections
import os
import random
import struct

import pytest

from scapy.all import Dot1Q, Ether, IP, IPv6, UDP, Raw, fuzz, rdpcap, wrpcap

from vswlib import Vswd, wait_for

IN_MTU = 1500
OUT_MAC = "02:00:00:00:aa:01"
GOOD_SRC = "02:00:00:00:bb:%02x"


def is_group(mac_bytes):
    return mac_bytes[0] & 1


def model(frame):
    """(reason or None, output bytes or None) for a frame entering the access port (VLAN 1)."""
    if len(frame) < 14:
        return "parse_runt", None
    src = frame[6:12]
    if is_group(src):
        return "parse_src_multicast", None
    if src == b"\0" * 6:
        return "parse_src_zero", None
    etype = struct.unpack("!H", frame[12:14])[0]
    tagged = etype == 0x8100
    if tagged:
        if len(frame) < 18:
            return "parse_runt", None
        inner = struct.unpack("!H", frame[16:18])[0]
        if inner in (0x8100, 0x88a8):
            return "parse_qinq", None
    elif etype == 0x88a8:
        return "parse_qinq", None
    if len(frame) > IN_MTU + 14 + (4 if tagged else 0):
        return "parse_oversize", None
    if tagged:
        vid = struct.unpack("!H", frame[14:16])[0] & 0xfff
        if vid == 4095:
            return "vlan_reserved", None
        if vid != 0:
            return "vlan_tagged_on_access", None
        frame = frame[:12] + frame[16:]  # priority tag: stripped, switched in VLAN 1
    # Two ports in VLAN 1: whatever the destination, it leaves by the other port.
    return None, frame


def make_frames(seed=1234):
    rnd = random.Random(seed)
    random.seed(seed)  # scapy's fuzz() draws from the global generator
    frames = []
    good_src = GOOD_SRC
    for i in range(600):  # good traffic, each frame tagged by its payload
        dst = rnd.choice([OUT_MAC, "ff:ff:ff:ff:ff:ff", "02:00:00:00:cc:01", "33:33:00:00:00:01"])
        frames.append(bytes(Ether(dst=dst, src=good_src % (i % 7)) / IP(dst="10.0.0.1") /
                            UDP(sport=1000 + i, dport=9) / Raw(b"GOOD%05d" % i)))
    for i in range(100):  # priority-tagged (VID 0): accepted, forwarded untagged
        frames.append(bytes(Ether(dst=OUT_MAC, src=good_src % 6) / Dot1Q(vlan=0, prio=i % 8) /
                            IP(dst="10.0.0.2") / Raw(b"PRIO%05d" % i)))
    for i in range(300):  # truncated anywhere, including inside the tag
        f = bytes(Ether(dst=OUT_MAC, src=good_src % 1) / Dot1Q(vlan=5) / IP() / Raw(b"x" * 20))
        frames.append(f[:rnd.randrange(0, 18)])
    for i in range(300):  # bad tags: VLANs on an access port, QinQ, 802.1ad, VID 4095
        kind = i % 4
        if kind == 0:
            p = Ether(dst=OUT_MAC, src=good_src % 2) / Dot1Q(vlan=rnd.randrange(1, 4095)) / IP()
        elif kind == 1:
            p = Ether(dst=OUT_MAC, src=good_src % 2) / Dot1Q(vlan=3) / Dot1Q(vlan=4) / IP()
        elif kind == 2:
            p = Ether(dst=OUT_MAC, src=good_src % 2, type=0x88a8) / Raw(b"\x00\x05\x08\x00" + b"y" * 40)
        else:
            p = Ether(dst=OUT_MAC, src=good_src % 2) / Dot1Q(vlan=4095) / IP()
        frames.append(bytes(p))
    for i in range(200):  # bad source addresses
        src = rnd.choice(["01:00:5e:00:00:01", "ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00"])
        frames.append(bytes(Ether(dst=OUT_MAC, src=src) / IP() / Raw(b"z" * 30)))
    for i in range(200):  # oversize for MTU 1500
        frames.append(bytes(Ether(dst=OUT_MAC, src=good_src % 3) / IP() /
                            Raw(b"o" * (1500 - 20 + 1 + rnd.randrange(0, 300)))))
    for i in range(1500):  # scapy-fuzzed headers, some with tags (VID 0 included)
        if i % 3 == 0:
            p = Ether(dst=OUT_MAC, src=good_src % 4) / fuzz(Dot1Q()) / fuzz(IP()) / Raw(b"F%05d" % i)
        elif i % 3 == 1:
            p = fuzz(Ether(dst=OUT_MAC)) / fuzz(IPv6()) / Raw(b"F%05d" % i)
        else:
            p = Ether(dst=OUT_MAC, src=good_src % 5) / fuzz(IP()) / fuzz(UDP()) / Raw(b"F%05d" % i)
        frames.append(bytes(p)[:1600])
    rnd.shuffle(frames)
    return frames


@pytest.mark.parametrize("flow_cache", [True, False], ids=["flow_cache", "stages_only"])
def test_malformed_frames(cleanup, tmp_path, flow_cache):
    frames = make_frames()
    inp, out, empty = str(tmp_path / "in.pcap"), str(tmp_path / "out.pcap"), str(tmp_path / "e.pcap")
    wrpcap(inp, [Ether(f) if len(f) >= 14 else Raw(f) for f in frames], linktype=1)
    wrpcap(empty, [], linktype=1)
    expected_out = collections.Counter()
    expected_drops = collections.Counter()
    for f in frames:
        reason, o = model(f)
        if reason:
            expected_drops[reason] += 1
        else:
            expected_out[o] += 1
    assert sum(expected_drops.values()) >= 1000 and sum(expected_out.values()) >= 600

    ports = [{"name": "in", "type": "dpdk", "devargs": "net_pcap0,rx_pcap=%s,tx_pcap=%s"
              % (inp, str(tmp_path / "in-tx.pcap"))},
             {"name": "out", "type": "dpdk", "devargs": "net_pcap1,rx_pcap=%s,tx_pcap=%s" % (empty, out)}]
    # The good sources are static entries on "in": the cache makes entries only for known
    # sources, and learning them races the replay, which can end within a millisecond.
    fdb = [{"mac": OUT_MAC, "port": "out"}] + [{"mac": GOOD_SRC % i, "port": "in"}
                                               for i in range(7)]
    v = Vswd(cleanup, {"switch": {"flow_cache": flow_cache}, "ports": ports,
                       "fdb": fdb}).start()
    wait_for(lambda: v.port(v.stats(), "in")["rx_packets"] == len(frames), 30,
             "all %d frames received" % len(frames))
    st = v.stop()
    # The good frames repeat five flows: with the cache on, most of them are its hits.
    hits = sum(w["flow_cache_hits"] for w in st["workers"])
    assert (hits > 0) == flow_cache, hits
    got = collections.Counter(bytes(p) for p in rdpcap(out))
    missing = expected_out - got
    extra = got - expected_out
    assert not missing and not extra, "missing %d, unexpected %d" % (sum(missing.values()),
                                                                    sum(extra.values()))
    for reason, n in expected_drops.items():
        assert st["drops"][reason] == n, (reason, st["drops"][reason], n)
    assert st["drops"]["total"] == sum(expected_drops.values())
    assert v.port(st, "in")["rx_dropped"] == sum(expected_drops.values())
    assert v.port(st, "out")["tx_packets"] == sum(expected_out.values())
    # Nothing is ever sent back out of the port it came from.
    assert not os.path.exists(str(tmp_path / "in-tx.pcap")) or len(rdpcap(str(tmp_path / "in-tx.pcap"))) == 0
