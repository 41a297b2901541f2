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

from vswlib import Vswd, netns_add, ping, sh, wait_for

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
    assert rows[0]["runs"] == "software" and rows[0]["why"]
    assert KEY_OUT not in json.dumps(rows)
    assert v.result("ipsec.sa.show", {"name": "i1"})["spi"] == 0x2001
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
    # Nothing of it reached the log.
    log = v.output()
    assert KEY_OUT not in log and KEY_IN not in log and "303132333435" not in log
    v.stop()
