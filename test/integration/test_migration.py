# SPDX-License-Identifier: BSD-3-Clause
"""Live migration of a real QEMU guest between two vhost-user ports of vswd while a peer pings
it: the guest's announcement (the RARP DPDK's vhost library injects on VHOST_USER_SEND_RARP, or
the guest's own gratuitous ARP) moves its MAC to the new port at once, and the switch floods it
on its uplink so physical switches relearn it."""
import os
import re
import socket
import subprocess
import tempfile
import time

import pytest

import qemu
from vswlib import Vswd, netns_add, netns_take, ping, sh, wait_for

MAC = "52:54:00:00:01:01"
GUEST_IP = "10.10.0.2"
PEER_IP = "10.10.0.1"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def replies(log):
    """[(time, icmp_seq)] of the replies in `ping -D` output."""
    return [(float(m.group(1)), int(m.group(2))) for m in
            re.finditer(r"\[([\d.]+)\] \d+ bytes from [\d.]+: icmp_seq=(\d+)", log)]


@pytest.mark.parametrize("announce", ["guest", "rarp"])
def test_live_migration_under_ping(cleanup, announce):
    """announce "guest": the guest's virtio-net driver sends gratuitous ARPs
    (VIRTIO_NET_F_GUEST_ANNOUNCE); "rarp": the device lacks it, so QEMU asks the backend
    (VHOST_USER_SEND_RARP) and DPDK's vhost library injects a RARP into the new port."""
    work = tempfile.mkdtemp(prefix="vswt-mig-")
    cleanup.dirs.append(work)
    initrd = os.path.join(work, "initrd.gz")
    qemu.make_initrd(initrd)
    socks = [os.path.join(work, "vm1%s.sock" % x) for x in "ab"]
    # The VM's policy is a profile: the source port names it, the target port finds it by
    # the VM's MAC; both get the same VLAN and protections.
    profile = {"name": "vm1", "vlan": {"mode": "access", "vlan": 5},
               "security": {"macs": [MAC], "dhcp_guard": True, "router_guard": True}}
    ports = [{"name": "host0", "type": "dpdk", "devargs": "net_tapmig,iface=vswt-mig0",
              "vlan": {"mode": "access", "vlan": 5}},
             {"name": "vm1a", "type": "vhost-user", "path": socks[0], "profile": "vm1"},
             {"name": "vm1b", "type": "vhost-user", "path": socks[1], "profile": MAC}]
    v = Vswd(cleanup, {"profiles": [profile], "ports": ports}).start()
    for name in ("vm1a", "vm1b"):
        cfg = v.result("port.show", {"name": name})["config"]
        assert cfg["profile"] == "vm1" and "vlan" not in cfg, cfg
    doc = v.result("config.get")
    assert doc["profiles"] == [profile]
    netns_add(cleanup, "vswmig")
    netns_take("vswmig", "vswt-mig0", PEER_IP + "/24")

    ga = announce == "guest"
    src = qemu.Qemu(cleanup, work, "src", socks[0], MAC, GUEST_IP + "/24", initrd,
                    guest_announce=ga)
    src.wait_ready()
    assert ping("vswmig", GUEST_IP, count=3) == 3
    fdb = v.result("fdb.show", {"port": "vm1a"})["entries"]
    assert [e["mac"] for e in fdb] == [MAC]

    port = free_port()
    dst = qemu.Qemu(cleanup, work, "dst", socks[1], MAC, GUEST_IP + "/24", initrd,
                    incoming="tcp:127.0.0.1:%d" % port, guest_announce=ga)
    # Its vhost-user device starts (link up) only when the migrated guest runs.
    cap = os.path.join(work, "uplink.pcap")
    tshark = cleanup.spawn(["ip", "netns", "exec", "vswmig", "tshark", "-q", "-i", "vswt-mig0",
                            "-f", "ether src %s and (arp or rarp)" % MAC, "-w", cap],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2)
    pinger = cleanup.spawn(["ip", "netns", "exec", "vswmig", "ping", "-D", "-i", "0.01",
                            "-W", "1", "-w", "12", GUEST_IP], stdout=subprocess.PIPE, text=True)
    time.sleep(2)
    t_migrate = time.time()
    src.monitor("migrate -d tcp:127.0.0.1:%d" % port)
    wait_for(lambda: src.migration_status()[0] in ("completed", "failed"), 60,
             "the migration to end", interval=0.5)
    status, info = src.migration_status()
    assert status == "completed", info
    t_done = time.time()
    out = pinger.communicate(timeout=30)[0]
    time.sleep(1)
    tshark.terminate()
    tshark.wait(10)

    # The outage: the longest silence between two replies around the migration.
    rs = replies(out)
    assert len(rs) > 100, out[-2000:]
    gaps = [(b[0] - a[0], a[1], b[1]) for a, b in zip(rs, rs[1:])]
    worst = max(gaps)
    sent = int(re.search(r"(\d+) packets transmitted", out).group(1))
    outage_ms = worst[0] * 1000
    print("migration %.1f s (QEMU: %s); outage %.0f ms (icmp_seq %d..%d), %d of %d pings "
          "unanswered" % (t_done - t_migrate, re.search(r"downtime: \d+ ms", info).group(0),
                          outage_ms, worst[1], worst[2], sent - len(rs), sent))
    # Replies resumed after the move: from the guest now on the new port.
    assert rs[-1][0] > t_done, "no reply after the migration"
    assert outage_ms < 2000, "outage %.0f ms" % outage_ms
    # The MAC moved, and the announcement went out on the uplink.
    fdb = v.result("fdb.show")["entries"]
    assert [e["port"] for e in fdb if e["mac"] == MAC] == ["vm1b"], fdb
    ann = subprocess.run(["tshark", "-r", cap, "-T", "fields", "-e", "frame.time_epoch",
                          "-e", "eth.type"], capture_output=True, text=True).stdout.split("\n")
    ann = [l.split("\t") for l in ann if l.strip()]
    after = [e for t, e in ann if float(t) >= t_migrate]
    print("announcements on the uplink after the migration:", after)
    assert ("0x0806" if ga else "0x8035") in after, ann
    assert ping("vswmig", GUEST_IP, count=3) == 3
    v.stop()
