# SPDX-License-Identifier: BSD-3-Clause
"""The IPsec cases of scripts/bench (doc/performance.md, doc/ipsec.md).

vswd: a VM port (pcap, UDP frames in an endless loop) whose every frame an outbound SPD entry
protects with an AES-GCM-128 tunnel SA; the uplink (pcap) sends the ESP frames. One worker.
The figure is the ESP frames sent per second.

crypto-perf: dpdk-test-crypto-perf (package dpdk-dev), throughput test, crypto_aesni_gcm on one
core, AES-GCM-128 encryption with an 8-byte AAD and a 16-byte tag (ESP's) of buffers the size
of what ESP encrypts in tunnel mode: the frame's IP packet (frame - 18 bytes of Ethernet header
and FCS). It is the ceiling of the crypto alone; vswd adds the switch, the SPD, ESP framing
and the packet I/O.
"""
import os
import re
import subprocess

IMIX = [64] * 7 + [594] * 4 + [1518]   # simple IMIX by frame size: 7:4:1
IPSEC_CASES = {
    "ipsec-gcm-1400": ("AES-GCM-128 tunnel, 1400 B frames, VM -> uplink", [1400]),
    "ipsec-gcm-64": ("AES-GCM-128 tunnel, 64 B frames, VM -> uplink", [64]),
    "ipsec-gcm-imix": ("AES-GCM-128 tunnel, IMIX 64/594/1518 B 7:4:1, VM -> uplink", IMIX),
}
PEER = "crypto-perf"


def make_pcaps(d, udp_frame, write_pcap, mac_in, mac_out, flows):
    """The VM side's frames of each case: UDP, 1,000 flows, the case's sizes in turn."""
    paths = {}
    for name, (_, sizes) in IPSEC_CASES.items():
        frames = [udp_frame(mac_in % (i >> 8, i & 0xff), mac_out % (i >> 8, i & 0xff), i,
                            sizes[i % len(sizes)]) for i in range(flows)]
        paths[name] = os.path.join(d, name + ".pcap")
        write_pcap(paths[name], frames)
    return paths


def config(cfg):
    """Makes the bench's two-port vswd config (p0 the VM, p1 the uplink) an IPsec one."""
    cfg["ports"][1]["mtu"] = 1600     # IMIX's 1518 B frames grow by the tunnel's headers
    cfg["ipsec"] = {
        "sa": [{"name": "bench", "port": "p0", "direction": "out", "spi": 4096,
                "mode": "tunnel", "family": 4, "alg": "aes-gcm-128",
                "key": "000102030405060708090a0b0c0d0e0f", "salt": "a1b2c3d4",
                "local": "192.0.2.1", "remote": "192.0.2.2", "uplink": "p1",
                "next_hop_mac": "02:00:00:00:00:fe"}],
        "spd": [{"port": "p0", "direction": "out", "action": "protect", "sa": "bench"}],
    }
    return cfg


def crypto_perf(host, case, prefix, ops):
    """One dpdk-test-crypto-perf run of @case: its MOps."""
    sizes = IPSEC_CASES[case][1]
    uniq = sorted(set(sizes))
    args = ["dpdk-test-crypto-perf", "-l", "0,1", "--main-lcore", "0", "-m", "512", "--no-pci",
            "--file-prefix", prefix, "--log-level=error", "--vdev", "crypto_aesni_gcm_bench",
            "--", "--ptest", "throughput", "--devtype", "crypto_aesni_gcm", "--optype", "aead",
            "--aead-algo", "aes-gcm", "--aead-op", "encrypt", "--aead-key-sz", "16",
            "--aead-iv-sz", "12", "--aead-aad-sz", "8", "--digest-sz", "16",
            "--burst-sz", "32", "--total-ops", str(ops),
            "--buffer-sz", ",".join(str(s - 18) for s in uniq)]
    if len(uniq) > 1:
        args += ["--imix", ",".join(str(sizes.count(s)) for s in uniq)]
    p = host.spawn(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.communicate(timeout=300)[0].decode(errors="replace")
    if p.returncode != 0:
        raise RuntimeError("dpdk-test-crypto-perf failed:\n" + out[-3000:])
    rows = [l.split() for l in out.splitlines() if re.match(r"^\s+\d+\s+\d+\s+32\s", l)]
    if not rows:
        raise RuntimeError("dpdk-test-crypto-perf: no result line:\n" + out[-3000:])
    return float(rows[-1][7]), float(rows[-1][9])   # MOps, cycles per buffer
