#!/usr/bin/env python3
# Latency of one small durable write (166 bytes, pwrite + fdatasync), appending to a growing file against
# overwriting a pre-zeroed one, 3,000 of each, twice: python3 tests/fdatasync-probe.py DIR (DIR on the disk to measure).
import os, time, sys
d = sys.argv[1]; n = 3000; rec = b'\xd7' * 166
def run(prezero):
    p = os.path.join(d, 'seg-%s' % prezero)
    if os.path.exists(p): os.remove(p)
    fd = os.open(p, os.O_RDWR | os.O_CREAT, 0o600)
    if prezero:
        os.write(fd, b'\0' * (n * len(rec) + 4096)); os.fsync(fd)
    lat = []
    for i in range(n):
        t = time.perf_counter(); os.pwrite(fd, rec, i * len(rec)); os.fdatasync(fd); lat.append((time.perf_counter() - t) * 1000)
    os.close(fd); lat.sort()
    q = lambda x: lat[min(n - 1, int(x * n))]
    print(f"{'pre-zeroed overwrite' if prezero else 'append (file grows)'}: p50 {q(.5):.3f} p95 {q(.95):.3f} p99 {q(.99):.3f} max {lat[-1]:.3f} ms")
for r in range(2):
    run(False); run(True)
