# SPDX-License-Identifier: BSD-3-Clause
"""Real QEMU guests for the integration tests (../shared/PEERS.md recipe): QEMU 7.2 under TCG,
Debian's cloud kernel, a busybox initramfs that loads virtio_net and puts the address given on
the kernel command line on eth0. The guest's own kernel answers pings and ARP."""
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time

from vswlib import wait_for

MODULES = ["virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci_legacy_dev",
           "virtio_pci", "failover", "net_failover", "virtio_net"]
INIT = """#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in %s; do for f in /mods/$m.ko*; do insmod $f; done; done
ip=$(sed -n 's/.*vsw.ip=\\([^ ]*\\).*/\\1/p' /proc/cmdline)
ip link set lo up; ip link set eth0 up; ip addr add $ip dev eth0
echo "VSW-GUEST-READY $ip"
while true; do sleep 3600; done
""" % " ".join(MODULES)


def kernel():
    """(vmlinuz, modules dir) of Debian's cloud kernel (package linux-image-cloud-amd64)."""
    k = sorted(glob.glob("/boot/vmlinuz-*-cloud-amd64"))
    assert k, "no /boot/vmlinuz-*-cloud-amd64: install linux-image-cloud-amd64"
    ver = os.path.basename(k[-1])[len("vmlinuz-"):]
    return k[-1], "/lib/modules/" + ver


def make_initrd(out):
    """Writes the busybox initramfs to @out."""
    _, mods = kernel()
    d = tempfile.mkdtemp(prefix="vswt-initrd-")
    try:
        for sub in ("bin", "proc", "sys", "dev", "mods"):
            os.makedirs(os.path.join(d, sub))
        shutil.copy("/bin/busybox", os.path.join(d, "bin"))
        libs = subprocess.run(["ldd", "/bin/busybox"], capture_output=True, text=True).stdout
        for tok in libs.split():
            if tok.startswith("/lib"):
                dst = os.path.join(d, tok.lstrip("/"))
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copy(os.path.realpath(tok), dst)
        for m in MODULES:
            f = (glob.glob(os.path.join(mods, "kernel", "**", m + ".ko*"), recursive=True))
            assert f, "module %s not found under %s" % (m, mods)
            shutil.copy(f[0], os.path.join(d, "mods"))
        with open(os.path.join(d, "init"), "w") as f:
            f.write(INIT)
        os.chmod(os.path.join(d, "init"), 0o755)
        files = subprocess.run(["find", "."], cwd=d, capture_output=True, check=True).stdout
        cpio = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=d, input=files,
                              capture_output=True, check=True).stdout
        with open(out, "wb") as f:
            f.write(subprocess.run(["gzip", "-1"], input=cpio, capture_output=True,
                                   check=True).stdout)
    finally:
        shutil.rmtree(d, ignore_errors=True)


class Qemu:
    """One guest: a virtio-net device on a vhost-user socket, a monitor, a serial log."""

    def __init__(self, cleanup, workdir, name, sock, mac, ip, initrd, incoming=None,
                 server=False, guest_announce=True):
        self.name = name
        self.mon_path = os.path.join(workdir, name + ".mon")
        self.console = os.path.join(workdir, name + ".console")
        chardev = "socket,id=c0,path=%s%s" % (sock, ",server=on,wait=off" if server else "")
        args = ["qemu-system-x86_64", "-machine", "q35", "-accel", "tcg", "-m", "256",
                "-smp", "1", "-nographic", "-no-reboot",
                "-kernel", kernel()[0], "-initrd", initrd,
                "-append", "console=ttyS0 quiet panic=-1 vsw.ip=" + ip,
                "-object", "memory-backend-memfd,id=mem,size=256M,share=on",
                "-numa", "node,memdev=mem",
                "-chardev", chardev, "-netdev", "vhost-user,id=n0,chardev=c0",
                # vectors=0: QEMU 7.2 under TCG crashes starting a vhost-user device with MSI-X.
                "-device", "virtio-net-pci,netdev=n0,mac=%s,vectors=0%s" % (
                    mac, "" if guest_announce else ",guest_announce=off"),
                "-monitor", "unix:%s,server,nowait" % self.mon_path,
                "-serial", "file:" + self.console]
        if incoming:
            args += ["-incoming", incoming]
        self.proc = cleanup.spawn(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        cleanup.paths += [self.mon_path, self.console]
        wait_for(lambda: os.path.exists(self.mon_path) or self.proc.poll() is not None, 30,
                 "QEMU %s monitor" % name)
        assert self.proc.poll() is None, "QEMU %s exited: %s" % (
            name, self.proc.stderr.read().decode(errors="replace"))

    def wait_ready(self, timeout=60):
        def ready():
            assert self.proc.poll() is None, "QEMU %s exited" % self.name
            return os.path.exists(self.console) and \
                "VSW-GUEST-READY" in open(self.console, errors="replace").read()
        wait_for(ready, timeout, "guest %s to boot" % self.name, interval=0.2)

    def monitor(self, cmd):
        """One human-monitor command; its output (the echo and prompt included)."""
        s = socket.socket(socket.AF_UNIX)
        s.connect(self.mon_path)
        s.settimeout(0.3)
        out = b""
        try:
            try:
                while True:
                    d = s.recv(65536)    # the banner and prompt
                    if not d:
                        break
            except socket.timeout:
                pass
            s.sendall((cmd + "\n").encode())
            end = time.time() + 5
            while time.time() < end and not out.rstrip().endswith(b"(qemu)"):
                try:
                    d = s.recv(65536)
                    if not d:
                        break
                    out += d
                except socket.timeout:
                    pass
        finally:
            s.close()
        return out.decode(errors="replace")

    def migration_status(self):
        out = self.monitor("info migrate")
        for line in out.splitlines():
            if line.startswith("Migration status:"):
                return line.split(":", 1)[1].strip(), out
        return None, out
