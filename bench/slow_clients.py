#!/usr/bin/env python3
"""Latency of GET /healthz while idle and trickling clients hold connections (not a test).

Opens IDLE keep-alive connections that each made one request and then stay silent, and
TRICKLE connections that send their headers one byte every 100 ms and never finish them,
then times GET /healthz on fresh connections and prints the percentiles.

usage: bench/slow_clients.py PORT [IDLE=1000] [TRICKLE=64] [SAMPLES=200]
"""
import socket
import sys
import threading
import time


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def get_healthz(s):
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data or not data.endswith(b"}"):
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.startswith(b"HTTP/1.1 200")


def main():
    port = int(sys.argv[1])
    idle_n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    trickle_n = int(sys.argv[3]) if len(sys.argv) > 3 else 64
    samples = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    idle, idle_failed = [], 0
    for _ in range(idle_n):
        try:
            s = connect(port)
            if get_healthz(s):
                idle.append(s)
                continue
        except OSError:
            pass
        idle_failed += 1
        if idle_failed >= 20:  # the server is saturated; stop adding clients
            break
    slow = []
    for _ in range(trickle_n):
        try:
            s = connect(port)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: bench\r\nX-Slow: ")
            slow.append(s)
        except OSError:
            pass
    if idle_failed:
        print(f"only {len(idle)} of {idle_n} idle connections were answered within 2 s "
              f"({idle_failed} failed)")
    stop = threading.Event()

    def trickle():
        while not stop.is_set():
            for s in slow:
                try:
                    s.sendall(b"a")
                except OSError:
                    pass
            time.sleep(0.1)

    t = threading.Thread(target=trickle)
    t.start()
    times, failures = [], 0
    for _ in range(samples):
        start = time.perf_counter()
        try:
            s = connect(port)
            ok = get_healthz(s)
            s.close()
        except OSError:
            ok = False
        elapsed = (time.perf_counter() - start) * 1000
        if ok:
            times.append(elapsed)
        else:
            failures += 1
            if failures >= 10:  # no answer within 2 s, ten times: starved
                break
    stop.set()
    t.join()
    times.sort()

    def pct(p):
        return times[min(len(times) - 1, int(len(times) * p))] if times else float("nan")

    print(f"healthz with {len(idle)} idle + {len(slow)} trickling connections: "
          f"{len(times)} answered, {failures} failed; p50 {pct(0.5):.2f} ms, "
          f"p99 {pct(0.99):.2f} ms, max {times[-1] if times else float('nan'):.2f} ms")


if __name__ == "__main__":
    main()
