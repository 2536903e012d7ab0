#!/usr/bin/env python3
"""attack.py - TEST ONLY: hostile clients for tests/security (loopback).

  attack.py idle HOST PORT N SRC HOLD READY
      N TCP connections from source address SRC that never send a byte,
      held HOLD seconds; READY is written once the connects are issued.
      Prints "established E closed C" (C: closed by the server).
  attack.py trickle HOST PORT SRC EVERY MAX
      one connection sending a TLS ClientHello one byte every EVERY
      seconds; prints "closed_after S" (the server closed it after S
      seconds) or "open_after MAX".
  attack.py bodies HOST PORT N SIZE MODE CERT KEY CA HOLD READY
      N TLS connections with the client certificate CERT/KEY, each
      POSTing a SIZE-byte body (MODE "length": Content-Length, sent
      until the server stops it; "chunked": 64 KiB chunks) and then
      stalling until HOLD seconds have passed; READY is written when
      every connection has sent what it could.  Prints one line per
      connection: "sent BYTES status CODE|closed|stalled".
  attack.py rules FILE N
      rewrite the summary.json FILE with N rule results.
"""
import json
import os
import resource
import select
import socket
import ssl
import sys
import threading
import time


def more_fds():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def touch(path):
    with open(path, "w") as f:
        f.write("ready\n")


def idle(host, port, n, src, hold, ready):
    more_fds()
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind((src, 0))
        try:
            s.connect((host, port))
        except BlockingIOError:
            pass
        socks.append(s)
    touch(ready)
    end = time.monotonic() + hold
    established = set()
    closed = set()
    poll = select.poll()
    for i, s in enumerate(socks):
        poll.register(s.fileno(), select.POLLOUT | select.POLLIN)
    byfd = {s.fileno(): s for s in socks}
    while time.monotonic() < end:
        for fd, ev in poll.poll(200):
            s = byfd[fd]
            if ev & select.POLLOUT and fd not in established:
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                    established.add(fd)
                poll.modify(fd, select.POLLIN)
            if ev & (select.POLLIN | select.POLLHUP | select.POLLERR):
                try:
                    data = s.recv(64)
                except OSError:
                    data = b""
                if not data:
                    if fd in established:
                        closed.add(fd)
                    poll.unregister(fd)
    print("established %d closed %d" % (len(established), len(closed)))
    for s in socks:
        s.close()


# The first bytes of a TLS 1.2 ClientHello record (any will do: the
# server waits for the rest).
HELLO = bytes.fromhex("16030100c4010000c00303") + bytes(range(32)) + \
    bytes.fromhex("000002c02f01000095")


def trickle(host, port, src, every, limit):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.connect((host, port))
    t0 = time.monotonic()
    i = 0
    while time.monotonic() - t0 < limit:
        try:
            s.send(HELLO[i % len(HELLO):i % len(HELLO) + 1])
        except OSError:
            break
        i += 1
        r, _, _ = select.select([s], [], [], every)
        if r:
            try:
                if not s.recv(64):
                    break
            except OSError:
                break
    took = time.monotonic() - t0
    if took < limit:
        print("closed_after %.1f" % took)
    else:
        print("open_after %d" % limit)
    s.close()


def one_body(host, port, size, mode, ctx, hold_until, out, i, done):
    sent = 0
    outcome = "stalled"
    try:
        raw = socket.create_connection((host, port))
        s = ctx.wrap_socket(raw, server_hostname="localhost")
        s.settimeout(max(0.1, hold_until - time.monotonic()))
        head = "POST /api/v1/bundles HTTP/1.1\r\nHost: localhost\r\n" \
            "X-Plumb-Bundle: 00000000-0000-4000-8000-%012d\r\n" % i
        if mode == "chunked":
            head += "Transfer-Encoding: chunked\r\n\r\n"
        else:
            head += "Content-Length: %d\r\n\r\n" % size
        s.sendall(head.encode())
        block = b"x" * 65536
        while sent < size:
            n = min(len(block), size - sent)
            if mode == "chunked":
                s.sendall(b"%x\r\n" % n + block[:n] + b"\r\n")
            else:
                s.sendall(block[:n])
            sent += n
    except socket.timeout:
        pass
    except OSError:
        outcome = "closed"
    done.release()
    if outcome == "stalled":
        # Stall: read what the server says, until HOLD.
        try:
            s.settimeout(max(0.1, hold_until - time.monotonic()))
            data = s.recv(256)
            if data.startswith(b"HTTP/1."):
                outcome = "status " + data[9:12].decode()
            elif not data:
                outcome = "closed"
        except socket.timeout:
            pass
        except OSError:
            outcome = "closed"
    out[i] = "sent %d %s" % (sent, outcome)


def bodies(host, port, n, size, mode, cert, key, ca, hold, ready):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_cert_chain(cert, key)
    ctx.load_verify_locations(ca)
    hold_until = time.monotonic() + hold
    out = [None] * n
    done = threading.Semaphore(0)
    ts = [threading.Thread(target=one_body, args=(host, port, size, mode,
          ctx, hold_until, out, i, done)) for i in range(n)]
    for t in ts:
        t.start()
    for _ in range(n):
        done.acquire()
    touch(ready)
    for t in ts:
        t.join()
    for line in out:
        print(line)


def rules(path, n):
    with open(path) as f:
        doc = json.load(f)
    doc["rules"] = [{"id": "r%d" % i, "result": "pass"} for i in range(n)]
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))


def main(a):
    if a[0] == "idle":
        idle(a[1], int(a[2]), int(a[3]), a[4], float(a[5]), a[6])
    elif a[0] == "trickle":
        trickle(a[1], int(a[2]), a[3], float(a[4]), float(a[5]))
    elif a[0] == "bodies":
        bodies(a[1], int(a[2]), int(a[3]), int(a[4]), a[5], a[6], a[7],
               a[8], float(a[9]), a[10])
    elif a[0] == "rules":
        rules(a[1], int(a[2]))
    else:
        sys.exit("unknown command " + a[0])


if __name__ == "__main__":
    main(sys.argv[1:])
