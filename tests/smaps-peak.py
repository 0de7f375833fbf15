#!/usr/bin/env python3
"""Where a process's memory is at its peak: polls /proc/PID/smaps of the first process whose command line contains
PATTERN every INTERVAL s (default 0.05) until it exits, and prints the first sample and the one with the most anonymous
memory, split by mapping (anonymous mappings of 8 MB or more one by one). Usage: smaps-peak.py PATTERN [interval] [outfile]"""
import os, sys, time, re
pat = sys.argv[1]; interval = float(sys.argv[2]) if len(sys.argv) > 2 else 0.05
out = sys.argv[3] if len(sys.argv) > 3 else None
def find():
    for p in os.listdir('/proc'):
        if not p.isdigit() or int(p) == os.getpid(): continue
        try:
            cl = open(f'/proc/{p}/cmdline','rb').read().replace(b'\0',b' ').decode()
        except Exception: continue
        if pat in cl and 'sample.py' not in cl: return int(p)
    return None
def sample(pid):
    cats = {}; cur = None
    with open(f'/proc/{pid}/smaps') as f:
        for line in f:
            if re.match(r'^[0-9a-f]+-[0-9a-f]+ ', line):
                parts = line.split()
                lo, hi = [int(x,16) for x in parts[0].split('-')]
                name = parts[5] if len(parts) > 5 else ''
                size = hi - lo
                if name == '': kind = (f'anon {size>>20}MB@{lo:x}' if size >= 8<<20 else 'anon small')
                elif name.startswith('/memfd') or 'doublemapper' in name: kind = 'memfd'
                elif name.startswith('['): kind = name
                else: kind = 'file ' + os.path.basename(name) if ('deny' in name or 'list' in name.lower()) else 'file'
                cur = cats.setdefault(kind, {'Rss':0,'Anonymous':0,'n':0, 'Private_Dirty':0})
                cur['n'] += 1
            elif cur is not None:
                k, _, v = line.partition(':')
                if k in cur and k != 'n': cur[k] += int(v.split()[0])
    return cats
pid = None
while pid is None:
    pid = find(); time.sleep(0.02)
print('pid', pid, flush=True)
best = None; bestanon = -1; t0 = time.time(); first = None
try:
    while True:
        s = sample(pid)
        anon = sum(c['Anonymous'] for c in s.values())
        if first is None: first = (time.time()-t0, s)
        if anon > bestanon: bestanon, best = anon, (time.time()-t0, s)
        time.sleep(interval)
except (FileNotFoundError, ProcessLookupError):
    pass
def show(label, ts):
    t, s = ts
    lines = [f'{label} at {t:.1f}s: anon total {sum(c["Anonymous"] for c in s.values())/1024:.1f} MB, rss {sum(c["Rss"] for c in s.values())/1024:.1f} MB']
    for k, c in sorted(s.items(), key=lambda kv: -kv[1]['Rss']):
        if c['Rss'] < 512: continue
        lines.append(f'  {k:30s} n={c["n"]:5d} rss {c["Rss"]/1024:7.1f} MB anon {c["Anonymous"]/1024:7.1f} MB dirty {c["Private_Dirty"]/1024:7.1f}')
    return '\n'.join(lines)
txt = show('first', first) + '\n' + show('peak', best)
print(txt)
if out: open(out,'w').write(txt)
