# SPDX-License-Identifier: BSD-3-Clause
"""Packet trace, dry run and per-node counters, through the socket API and vswctl."""
from vswlib import Vswd, netns_add, netns_take, ping, wait_for

from test_kernel import tap

BCAST_ARP = ("ffffffffffff" "020000000a01" "0806"
             "0001080006040001" "020000000a01" "0a4d0001" "000000000000" "0a4d0002")


def null(name, i, **kw):
    p = {"name": name, "type": "dpdk", "devargs": "net_null%d,no-rx=1" % i}
    p.update(kw)
    return p


def three_ports():
    return {"ports": [null("a", 0, vlan={"mode": "access", "vlan": 10}),
                      null("b", 1, vlan={"mode": "access", "vlan": 10}),
                      null("t", 2, vlan={"mode": "trunk", "allowed": [10, 20]}),
                      null("c", 3, vlan={"mode": "access", "vlan": 20})]}


def counters(v):
    st = v.result("stats.get")
    return ({p["name"]: (p["rx_packets"], p["tx_packets"], p["rx_dropped"], p["tx_dropped"])
             for p in st["ports"]}, st["drops"], v.result("fdb.show"))


def test_simulate_flood_and_nothing_counted(cleanup):
    """A broadcast from access port a reaches b untagged and trunk t tagged 10, not c."""
    v = Vswd(cleanup, three_ports()).start()
    before = counters(v)
    r = v.result("trace.simulate", {"port": "a", "frame_hex": BCAST_ARP})
    pkt, = r["packets"]
    hops = pkt["hops"]
    assert hops[0]["node"] == "vsw_rx" and hops[0]["next"] == "vsw_fcache"
    # The ingress arc of a port without policy: no vsw_sec.
    arc = [h["node"] for h in hops if h["decision"].startswith("to ")]
    assert arc[:6] == ["vsw_rx", "vsw_fcache", "vsw_parse", "vsw_vlan_in", "vsw_l2",
                       "vsw_flood"], hops
    # vsw_egress gives b and t a frame each, onto their egress arcs (no policy there: the
    # tag node alone), whose last node sends it to the port's output.
    assert [h["next"] for h in hops if h["node"] == "vsw_egress"] == ["vsw_vlan_out"] * 2
    outs = {h["decision"]: h for h in hops if h["node"] == "vsw_vlan_out"}
    assert set(outs) == {"output b", "output t"}, hops
    assert "vlan" not in outs["output b"] and outs["output t"]["vlan"] == 10
    assert outs["output t"]["len"] == outs["output b"]["len"] + 4
    sent = [h for h in hops if h["decision"] == "not sent (simulation)"]
    assert sorted(h["node"] for h in sent) == sorted(
        [outs["output b"]["next"], outs["output t"]["next"]])
    # Nothing was sent, learned or counted.
    assert counters(v) == before
    v.stop()


def test_simulate_drops_name_their_reason(cleanup):
    v = Vswd(cleanup, three_ports()).start()
    before = counters(v)
    cases = {
        "0102030405": "drop: parse_runt",
        # Tagged (VLAN 10) on an access port.
        "ffffffffffff020000000a01" "81000" "00a" "0800" + "00" * 46: "drop: vlan_tagged_on_access",
        # A multicast source address.
        "ffffffffffff010000000a01" "0800" + "00" * 46: "drop: parse_src_multicast",
    }
    for frame, want in cases.items():
        r = v.result("trace.simulate", {"port": "a", "frame_hex": frame})
        decisions = [h["decision"] for h in r["packets"][0]["hops"]]
        assert decisions[-1] == want, (frame, decisions)
    # VLAN 20 on the trunk goes to c only, untagged.
    frame = "ffffffffffff020000000a09" "8100" "0014" "0806" + BCAST_ARP[28:]
    hops = v.result("trace.simulate", {"port": "t", "frame_hex": frame})["packets"][0]["hops"]
    outs = [h for h in hops if h["node"] == "vsw_vlan_out"]
    assert [h["decision"] for h in outs] == ["output c"] and "vlan" not in outs[0]
    assert counters(v) == before
    v.stop()


def test_feature_arc_per_port(cleanup):
    """A port's policy puts its node on that port's arc only, live."""
    v = Vswd(cleanup, three_ports()).start()

    def arc(port, frame=BCAST_ARP):
        hops = v.result("trace.simulate", {"port": port, "frame_hex": frame})["packets"][0]["hops"]
        return [h["node"] for h in hops]

    assert "vsw_sec" not in arc("a") and "vsw_sec" not in arc("b")
    v.result("port.set", {"name": "a", "security": {"dhcp_guard": True}})
    assert "vsw_sec" in arc("a") and "vsw_sec" not in arc("b")
    assert "vsw_acl_in" not in arc("b")
    v.result("acl.add", {"port": "b", "direction": "in", "action": "deny",
                         "remote_ip": "10.9.0.0/16"})
    # "in" rules are on b's egress arc: a flood from a meets them on its copy to b only,
    # one from c (VLAN 20: b is not a member) never.
    hops = v.result("trace.simulate", {"port": "a", "frame_hex": BCAST_ARP})["packets"][0]["hops"]
    assert [h["decision"] for h in hops if h["node"] == "vsw_acl_in"] == ["to vsw_vlan_out"]
    assert sorted(h["decision"] for h in hops if h["node"] == "vsw_vlan_out") == [
        "output b", "output t"], hops
    assert "vsw_acl_in" not in arc("c")
    v.result("port.set", {"name": "a", "security": {"dhcp_guard": False}})
    assert "vsw_sec" not in arc("a")
    v.stop()


def test_trace_hostile_requests(cleanup):
    """Bad requests are refused naming the field and change nothing."""
    v = Vswd(cleanup, three_ports()).start()
    bad = [
        ("trace.simulate", {"port": "a", "frame_hex": "abc"}, "params.frame_hex"),
        ("trace.simulate", {"port": "a", "frame_hex": "zz"}, "params.frame_hex"),
        ("trace.simulate", {"port": "a", "frame_hex": ""}, "params.frame_hex"),
        ("trace.simulate", {"port": "a", "frame_hex": "00" * 20000}, "params.frame_hex"),
        ("trace.simulate", {"port": "nope", "frame_hex": "00"}, "params.port"),
        ("trace.simulate", {"port": "a"}, "params.frame_hex"),
        ("trace.start", {"port": "a", "count": 0}, "params.count"),
        ("trace.start", {"port": "a", "count": 1001}, "params.count"),
        ("trace.start", {"port": 7}, "params.port"),
        ("trace.start", {"port": "nope"}, "params.port"),
    ]
    for method, params, path in bad:
        ans = v.call(method, params)
        assert "error" in ans and ans["error"]["data"]["path"] == path, (method, params, ans)
    assert v.result("trace.show")["asked"] == 0
    v.stop()


def test_trace_live_ping(cleanup):
    """The next frames from a namespace are recorded node by node, out to the other port."""
    v = Vswd(cleanup, {"ports": [tap("a", "vsta"), tap("b", "vstb")]}).start()
    for n, ip in (("a", "10.78.0.1/24"), ("b", "10.78.0.2/24")):
        netns_add(cleanup, "vswt" + n)
        netns_take("vswt" + n, "vst" + n, ip)
    assert ping("vswta", "10.78.0.2", count=2) == 2
    r = v.ctl("trace", "start", "a", "4", check=0)
    assert "count: 4" in r.stdout
    assert ping("vswta", "10.78.0.2", count=6) == 6
    tr = wait_for(lambda: (lambda t: t if t["traced"] == 4 and len(t["packets"]) == 4 else
                           None)(v.result("trace.show")), 10, "4 traced frames")
    hits = 0
    for p in tr["packets"]:
        hops = p["hops"]
        assert p["port"] == "a"
        assert hops[0]["node"] == "vsw_rx" and hops[0]["next"] == "vsw_fcache", hops
        assert hops[-1]["decision"] == "sent on b", hops
        assert hops[0]["src"] == hops[-1]["src"]
        hits += any(h["node"] == "vsw_fcache" and h["decision"] == "output b" for h in hops)
    # Echo requests after the first of a flow are flow cache hits.
    assert hits >= 2, tr
    human = v.ctl("trace", "show", check=0).stdout
    assert "vsw_fcache" in human and "sent on b" in human
    # A budget used up traces nothing more.
    assert ping("vswta", "10.78.0.2", count=2) == 2
    assert len(v.result("trace.show")["packets"]) == 4
    nodes = {n["node"]: n for n in v.result("stats.nodes")}
    for name in ("vsw_rx", "vsw_fcache", "vsw_parse", "vsw_l2", "vsw_egress"):
        assert nodes[name]["packets"] > 0, nodes
    outs = [n for n in nodes.values() if n.get("port") == "b"]
    assert len(outs) == 1 and outs[0]["packets"] >= 10
    st = v.stop()
    assert outs[0]["packets"] <= v.port(st, "b")["tx_packets"]
