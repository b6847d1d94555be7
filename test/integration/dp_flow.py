#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Traffic and capture helpers for the data-plane integration tests.

  dp_flow.py recv PORT OUT READY [BIND]   count numbered datagrams until
                                         OUT.stop appears (or 60 s)
  dp_flow.py send DST PORT N GAP_MS [SRC] send N numbered datagrams
  dp_flow.py capture IFACE OUT READY      classify frames on a link until
                                         OUT.stop appears (or 60 s)

recv writes "received DISTINCT total TOTAL" to OUT; capture writes
"esp N udp4500 N clear N other N" where clear counts IPv4 frames whose
addresses are none of the gateways' (inner traffic leaking in clear).
"""
import os
import socket
import struct
import sys
import time

GATEWAYS = {socket.inet_aton("192.0.2.1"), socket.inet_aton("192.0.2.2")}


def recv(port, out, ready, bind="0.0.0.0"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.bind((bind, int(port)))
    s.settimeout(0.2)
    open(ready, "w").close()
    seen, total, end = set(), 0, time.time() + 60
    while time.time() < end and not os.path.exists(out + ".stop"):
        try:
            data = s.recv(2048)
        except socket.timeout:
            continue
        if len(data) >= 4:
            seen.add(struct.unpack("!I", data[:4])[0])
            total += 1
    with open(out, "w") as f:
        f.write("received %d total %d\n" % (len(seen), total))


def send(dst, port, n, gap_ms, src=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if src:
        s.bind((src, 0))
    pad = b"x" * 200
    for i in range(int(n)):
        s.sendto(struct.pack("!I", i) + pad, (dst, int(port)))
        time.sleep(float(gap_ms) / 1000.0)


def classify(frame, c):
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        c["other"] += 1
        return
    ip = frame[14:]
    proto, src, dst = ip[9], ip[12:16], ip[16:20]
    if src not in GATEWAYS and dst not in GATEWAYS:
        c["clear"] += 1
    elif proto == 50:
        c["esp"] += 1
    elif proto == 17 and 4500 in struct.unpack("!HH", ip[20:24]):
        c["udp4500"] += 1
    else:
        c["other"] += 1


def capture(iface, out, ready):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((iface, 0))
    s.settimeout(0.2)
    open(ready, "w").close()
    c = {"esp": 0, "udp4500": 0, "clear": 0, "other": 0}
    end = time.time() + 60
    while time.time() < end and not os.path.exists(out + ".stop"):
        try:
            classify(s.recv(4096), c)
        except socket.timeout:
            continue
    with open(out, "w") as f:
        f.write(" ".join("%s %d" % (k, c[k]) for k in
                         ("esp", "udp4500", "clear", "other")) + "\n")


if __name__ == "__main__":
    cmd = {"recv": recv, "send": send, "capture": capture}
    if len(sys.argv) < 2 or sys.argv[1] not in cmd:
        sys.exit(__doc__)
    cmd[sys.argv[1]](*sys.argv[2:])
