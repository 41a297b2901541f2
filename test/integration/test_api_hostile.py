# SPDX-License-Identifier: BSD-3-Clause
"""Hostile clients on the control socket: over 1,000 malformed requests, oversize lines, partial
sends and a crowd of connections. Each gets the right error or an orderly close; the config does
not change and two namespaces keep pinging through the switch without losing a packet."""
import hashlib
import json
import random
import socket
import subprocess
import time

from vswlib import Vswd, netns_add, netns_take, recv_line

OK = "ok"


def tap(name, iface):
    return {"name": name, "type": "dpdk", "devargs": "net_tap%s,iface=%s" % (name, iface)}


def req(method, params=None, rid=1, **extra):
    r = {"jsonrpc": "2.0", "id": rid, "method": method}
    if params is not None:
        r["params"] = params
    r.update(extra)
    return json.dumps(r).encode()


def malformed(rnd, doc):
    """(line bytes, expected error code, expected data.path or None) cases."""
    valid = [req("version"), req("port.show", {"name": "a"}), req("config.get", rid="x"),
             req("config.validate", {"config": doc})]
    cases = []
    for i in range(300):  # truncated JSON
        v = rnd.choice(valid)
        cut = rnd.randrange(1, len(v) - 1)
        cases.append((v[:cut], -32700, None))
    for d in (33, 40, 100, 1000, 5000):  # deep nesting
        cases.append((b'{"jsonrpc":"2.0","id":1,"method":"version","params":{"x":' +
                      b"[" * d + b"]" * d + b"}}", -32600, None))
    for n in (10 ** 3, 10 ** 5, 900 * 1024):  # huge strings (under the line limit)
        cases.append((req("x" * n), -32601, "method"))
        cases.append((req("port.show", {"name": "y" * n}), -32001, "params.name"))
    for i in range(100):  # invalid UTF-8 inside a string
        bad = bytes(rnd.choice([0x80, 0xc0, 0xff, 0xfe, 0xed]) for _ in range(rnd.randint(1, 4)))
        cases.append((b'{"jsonrpc":"2.0","id":1,"method":"ver' + bad + b'sion"}', -32700, None))
    wrong = [  # wrong types and shapes of the envelope
        (req(5), -32600, "method"), (req(None), -32600, "method"),
        (b'{"jsonrpc":"2.0","id":1}', -32600, "method"),
        (req("version", jsonrpc="1.0"), -32600, "jsonrpc"),
        (b'{"id":1,"method":"version"}', -32600, "jsonrpc"),
        (req("version", rid={"a": 1}), -32600, "id"), (req("version", rid=[1]), -32600, "id"),
        (req("version", rid=1.5), -32600, "id"), (req("version", rid=True), -32600, "id"),
        (req("version", [1, 2]), -32602, "params"), (req("version", "x"), -32602, "params"),
        (req("version", extra=1), -32600, "extra"),
        (b'[]', -32600, None), (b'[' + req("version") + b']', -32600, None),
        (b'42', -32600, None), (b'"version"', -32600, None), (b'null', -32600, None),
        (req("port.del", {"name": 7}), -32602, "params.name"),
        (req("port.del", {}), -32602, "params.name"),
        (req("stats.get", {"reset": "yes"}), -32602, "params.reset"),
        (req("fdb.show", {"limit": -1}), -32602, "params.limit"),
        (req("fdb.show", {"vlan": 9999}), -32602, "params.vlan"),
        (req("fdb.add", {"mac": "zz", "port": "a"}), -32602, "params.mac"),
        (req("log.level", {"level": "loud"}), -32602, "params.level"),
        (req("config.apply", {"config": []}), -32602, "params.config"),
        (req("config.apply", {"config": {"ports": "a"}}), -32602, "params.config.ports"),
        (req("port.add", {"name": "a", "type": "dpdk", "devargs": "net_null9"}), -32602,
         "params.name"),
        (req("port.add", {"name": "q", "type": "dpdk"}), -32602, "params.devargs"),
        (req("port.set", {"name": "a", "queues": 99}), -32602, "params.queues"),
        (req("port.set", {"name": "a", "vlan": {"mode": "trunk"}}), -32602, "params.vlan"),
    ]
    cases += wrong * 8
    for i in range(100):  # duplicate keys
        cases.append((b'{"jsonrpc":"2.0","id":1,"method":"version","method":"version"}',
                      -32700, None))
        cases.append((b'{"jsonrpc":"2.0","id":1,"method":"port.show","params":'
                      b'{"name":"a","name":"b"}}', -32700, None))
    for i in range(100):  # unknown methods and params
        cases.append((req("m%d.%s" % (i, "x" * rnd.randint(0, 50))), -32601, "method"))
        key = "k%d" % rnd.randrange(10 ** 6)
        cases.append((req(rnd.choice(["version", "port.list", "stats.get"]), {key: 1}), -32602,
                      "params." + key))
    for i in range(100):  # hostile config documents: one bad field each
        d = json.loads(json.dumps(doc))
        port = rnd.choice(d["ports"])
        key = rnd.choice(["mtu", "queues", "rx_desc", "admin", "vlan", "type", "name"])
        # ({} is a valid "vlan": all defaults, the access VLAN 1 these ports have.)
        port[key] = rnd.choice([[], -1, 10 ** 12, "\u00e9\u00e9", None, 1.5] +
                               ([{}] if key != "vlan" else []))
        idx = d["ports"].index(port)
        cases.append((req("config.apply", {"config": d}), -32602,
                      "params.config.ports[%d].%s" % (idx, key)))
    for i in range(100):  # random bytes
        n = rnd.randint(1, 200)
        junk = bytes(rnd.choice(b"{}[]\":,abc01 \t\x00\x7f\xff") for _ in range(n))
        cases.append((junk, (-32700, -32600), None))
    return cases


def check_answer(line, ans, code, path):
    assert "error" in ans, (line[:200], ans)
    codes = code if isinstance(code, tuple) else (code,)
    assert ans["error"]["code"] in codes, (line[:200], ans)
    if path is not None:
        assert ans["error"].get("data", {}).get("path") == path, (line[:200], ans)


def test_hostile_requests(cleanup):
    v = Vswd(cleanup, {"api": {"max_clients": 8},
                       "ports": [tap("a", "vsha"), tap("b", "vshb")]}).start()
    for n, ip in (("a", "10.78.0.1/24"), ("b", "10.78.0.2/24")):
        netns_add(cleanup, "vswh" + n)
        netns_take("vswh" + n, "vsh" + n, ip)
    subprocess.run("ip netns exec vswha ping -c 3 -W 1 10.78.0.2", shell=True, check=True,
                   capture_output=True)
    doc = v.result("config.get")
    digest = hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()
    pinger = cleanup.spawn(["ip", "netns", "exec", "vswha", "ping", "-i", "0.01", "-c", "1000",
                            "-W", "1", "10.78.0.2"], stdout=subprocess.PIPE, text=True)

    rnd = random.Random(4)
    cases = malformed(rnd, doc)
    assert len(cases) >= 1000
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(30)
    s.connect(v.sock)
    f = s.makefile("rb")
    for line, code, path in cases:
        s.sendall(line + b"\n")
        check_answer(line, json.loads(f.readline()), code, path)
    # Blank lines are ignored; notifications (no id) get no answer, not even errors.
    s.sendall(b"\n\r\n" + json.dumps({"jsonrpc": "2.0", "method": "nope"}).encode() + b"\n" +
              req("version", rid=99) + b"\n")
    assert json.loads(f.readline())["id"] == 99
    f.close()
    s.close()

    # Partial sends: a request in pieces, with pauses, is one request.
    s = socket.socket(socket.AF_UNIX)
    s.connect(v.sock)
    line = req("port.list", rid="p")
    for k in range(0, len(line), 7):
        s.sendall(line[k:k + 7])
        time.sleep(0.002)
    s.sendall(b"\n")
    ans = json.loads(recv_line(s))
    assert ans["id"] == "p" and len(ans["result"]) == 2
    # A client that half-closes after an unterminated request still gets its answer.
    s.sendall(req("version", rid="h"))
    s.shutdown(socket.SHUT_WR)
    assert json.loads(recv_line(s))["id"] == "h"
    s.close()

    # Oversize lines: an error, then the connection is closed (also before the newline).
    for tail in (b"\n", b""):
        s = socket.socket(socket.AF_UNIX)
        s.connect(v.sock)
        s.settimeout(30)
        try:
            s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"' + b"v" * (1100 * 1024) + tail)
        except BrokenPipeError:
            pass
        ans = json.loads(recv_line(s))
        assert ans["error"]["code"] == -32600 and "longer than" in ans["error"]["message"]
        try:
            assert s.recv(10) == b""  # closed ...
        except ConnectionResetError:
            pass  # ... with the rest of our request unread
        s.close()

    # A crowd: more connections than max_clients. The extra ones are refused and closed,
    # and a silent client holding a slot stalls nobody.
    time.sleep(0.5)  # vswd notices the closes above
    crowd = []
    for i in range(20):
        c = socket.socket(socket.AF_UNIX)
        c.settimeout(10)
        c.connect(v.sock)
        crowd.append(c)
    admitted, refused = [], 0
    for c in crowd:  # beyond max_clients: the error and a close (or a reset)
        c.settimeout(1.0)
        try:
            data = c.recv(4096)
        except socket.timeout:
            admitted.append(c)  # silent and open: it holds a slot
            continue
        except ConnectionResetError:
            data = b""
        if data:
            assert json.loads(data.split(b"\n")[0])["error"]["code"] == -32000
        refused += 1
    assert len(admitted) <= 8 and refused >= 12, (len(admitted), refused)
    # The admitted ones, silent so far, stall nobody and still get answers.
    for i, c in enumerate(admitted):
        c.settimeout(10)
        c.sendall(req("version", rid=i) + b"\n")
        assert json.loads(recv_line(c))["id"] == i
    for c in crowd:
        c.close()
    time.sleep(0.2)

    # Nothing changed and forwarding never stopped.
    assert hashlib.sha256(json.dumps(v.result("config.get"), sort_keys=True)
                          .encode()).hexdigest() == digest
    out = pinger.communicate(timeout=60)[0]
    assert "1000 packets transmitted, 1000 received" in out, out
    v.stop()
