#!/usr/bin/env python3
# Latency of one small durable write (166 bytes, pwrite + fdatasync), appending to a growing file against
# overwriting a pre-zeroed one, 3,000 of each, twice; with the device's write requests and KiB per sync from
# /sys/block/DEV/stat: python3 tests/fdatasync-probe.py DIR (DIR on the disk to measure).
# With GAP (seconds), each sync follows a pause, as taps do at a bus door: python3 tests/fdatasync-probe.py DIR 100 0.3
import os, time, sys
d = sys.argv[1]; n = int(sys.argv[2]) if len(sys.argv) > 2 else 3000; gap = float(sys.argv[3]) if len(sys.argv) > 3 else 0; rec = b'\xd7' * 166
dev = os.path.basename(os.path.realpath('/sys/dev/block/%d:%d' % (os.major(os.stat(d).st_dev), os.minor(os.stat(d).st_dev))))
stat = '/sys/block/%s/stat' % dev if os.path.exists('/sys/block/%s/stat' % dev) else '/sys/class/block/%s/stat' % dev
def writes():
    f = open(stat).read().split(); return int(f[4]), int(f[6])  # write requests, sectors written
def run(prezero):
    p = os.path.join(d, 'seg-%s' % prezero)
    if os.path.exists(p): os.remove(p)
    fd = os.open(p, os.O_RDWR | os.O_CREAT, 0o600)
    if prezero:
        os.write(fd, b'\0' * (n * len(rec) + 4096)); os.fsync(fd)
    lat = []
    r0, s0 = writes()
    for i in range(n):
        if gap: time.sleep(gap)
        t = time.perf_counter(); os.pwrite(fd, rec, i * len(rec)); os.fdatasync(fd); lat.append((time.perf_counter() - t) * 1000)
    r1, s1 = writes()
    os.close(fd); lat.sort()
    q = lambda x: lat[min(n - 1, int(x * n))]
    print(f"{'pre-zeroed overwrite' if prezero else 'append (file grows)'}: p50 {q(.5):.3f} p95 {q(.95):.3f} p99 {q(.99):.3f} max {lat[-1]:.3f} ms; "
          f"{dev}: {(r1 - r0) / n:.2f} write requests, {(s1 - s0) * 512 / 1024 / n:.1f} KiB per sync")
for r in range(2):
    run(False); run(True)
