#!/usr/bin/env python3
"""make bench: medians, ratios and plots from the guests' consoles.

Reads build/bench/logs/run<r>-<mode>.console, each the console of one boot
that ran the workloads once, and their lines

    BENCH <workload> <metric> <param> <value> <unit>

For each (workload, metric, param) and kernel: the median of the runs, with
min and max.  Ratios are against stock, oriented so that the reader knows
which way is better:

    bytes                     stock / patched   (bigger is better)
    us, ns                    patched / stock   (smaller is better)
    *_per_s                   patched / stock   (bigger is better)
    count                     patched / stock   (informative)

and their spread is the range of the ratio over every pair of runs
(the smallest and the largest ratio of a patched run to a stock run), so
a ratio whose range includes 1.00 does not show a difference.
Writes results.json, results.csv, the plots (PNG, gnuplot) and table.txt
(the terminal table) into --out.
"""
import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import time

LINE = re.compile(r'BENCH (W\d+) (\S+) (\S+) (-?[0-9.]+(?:[eE][-+]?\d+)?) (\S+)\s*$')
ERR = re.compile(r'(BENCH_ERROR .*|BENCH_SKIP .*|BENCH_END \S+ rc=[1-9]\d* .*|HARNESS: .*)$')
SPLAT = re.compile(r'(BUG:|WARNING:|Oops|Kernel panic|general protection)')

# The curves: (file, title, workload, metric, param key, x label, y label, log axes)
PLOTS = [
    ('w1-rmap-bytes', 'W1 zygote: reverse-map memory with the tree alive',
     'W1', 'rmap_bytes', 'children', 'children', 'bytes', 'xy'),
    ('w1-fork-us', 'W1 zygote: time to fork the children',
     'W1', 'fork_us', 'children', 'children', 'us', 'xy'),
    ('w2-fork-exit', 'W2 fork + exit latency',
     'W2', 'fork_exit_us', 'vmas', 'faulted anonymous VMAs', 'us', 'xy'),
    ('w5-mremap', 'W5 time per mremap against the count so far',
     'W5', 'mremap_ns', 'count', 'mremaps so far', 'ns', 'x'),
]


def direction(unit):
    if unit == 'bytes':
        return 'stock/patched', 'bigger is better'
    if unit.endswith('_per_s'):
        return 'patched/stock', 'bigger is better'
    if unit in ('us', 'ns'):
        return 'patched/stock', 'smaller is better'
    return 'patched/stock', 'informative'


def ratio(unit, stock, patched):
    """None where one side is zero or negative (a delta, a cost only one
    kernel has): no ratio means anything there."""
    if stock <= 0 or patched <= 0:
        return None
    num, den = (stock, patched) if unit == 'bytes' else (patched, stock)
    return num / den


def human(v):
    if v is None:
        return 'n/a'
    a = abs(v)
    for div, suf in ((1e9, 'G'), (1e6, 'M'), (1e3, 'k')):
        if a >= div:
            return '%.3g%s' % (v / div, suf)
    return '%.3g' % v


def param_key(p):
    """Sort params numerically where they are numbers (children=10 < 100)."""
    out = []
    for kv in p.split(','):
        k, _, v = kv.partition('=')
        try:
            out.append((k, 0, float(v), ''))
        except ValueError:
            out.append((k, 1, 0.0, v))
    return out


def load(logs, modes, runs):
    data = {}      # (w, metric, param) -> {'unit': u, mode: [values]}
    problems = []
    seen = {}
    for mode in modes:
        for r in range(1, runs + 1):
            path = os.path.join(logs, 'run%d-%s.console' % (r, mode))
            if not os.path.exists(path):
                problems.append('%s: missing' % os.path.basename(path))
                continue
            seen[(mode, r)] = True
            with open(path, errors='replace') as f:
                for line in f:
                    m = LINE.search(line)
                    if m:
                        w, metric, param, val, unit = m.groups()
                        row = data.setdefault((w, metric, param), {'unit': unit})
                        row.setdefault(mode, []).append(float(val))
                        continue
                    m = ERR.search(line)
                    if m:
                        problems.append('%s: %s' % (os.path.basename(path), m.group(1)))
                    elif SPLAT.search(line):
                        problems.append('%s: %s' % (os.path.basename(path), line.strip()[:160]))
    return data, problems


def summarise(data, modes):
    rows = []
    for (w, metric, param), d in sorted(data.items(),
                                        key=lambda kv: (int(kv[0][0][1:]), kv[0][1],
                                                        param_key(kv[0][2]))):
        unit = d['unit']
        row = {'workload': w, 'metric': metric, 'param': param, 'unit': unit,
               'ratio': direction(unit)[0], 'better': direction(unit)[1],
               'kernels': {}}
        for mode in modes:
            vals = d.get(mode, [])
            if not vals:
                continue
            row['kernels'][mode] = {
                'median': statistics.median(vals), 'min': min(vals), 'max': max(vals),
                'n': len(vals), 'runs': vals,
                'spread': ((max(vals) - min(vals)) / statistics.median(vals)
                           if statistics.median(vals) else None),
            }
        st = d.get('stock', [])
        for mode in modes:
            if mode == 'stock' or mode not in row['kernels'] or not st:
                continue
            k = row['kernels'][mode]
            k['ratio'] = ratio(unit, statistics.median(st), k['median'])
            pairs = [ratio(unit, s, p) for s in st for p in d[mode]]
            pairs = [x for x in pairs if x is not None]
            k['ratio_min'] = min(pairs) if pairs else None
            k['ratio_max'] = max(pairs) if pairs else None
        rows.append(row)
    return rows


def table(rows, modes):
    patched = [m for m in modes if m != 'stock']
    head = ['workload', 'metric', 'param', 'unit'] + \
        ['%s median [min-max]' % m for m in modes] + \
        ['%s ratio [range]' % m for m in patched]
    out = []
    for r in rows:
        line = [r['workload'], r['metric'], r['param'], r['unit']]
        for m in modes:
            k = r['kernels'].get(m)
            line.append('%s [%s-%s]' % (human(k['median']), human(k['min']), human(k['max']))
                        if k else '-')
        for m in patched:
            k = r['kernels'].get(m)
            if k and k.get('ratio') is not None:
                line.append('%.2f [%.2f-%.2f]' % (k['ratio'], k['ratio_min'], k['ratio_max']))
            else:
                line.append('n/a')
        out.append(line)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *out)]
    fmt = '  '.join('%%-%ds' % w for w in widths)
    lines = [fmt % tuple(head), fmt % tuple('-' * w for w in widths)]
    lines += [fmt % tuple(line) for line in out]
    return lines


def noise(rows, modes):
    """Spread of repeated runs of one kernel, over the time metrics."""
    lines = []
    for m in modes:
        sp = sorted(r['kernels'][m]['spread'] for r in rows
                    if r['unit'] in ('us', 'ns') or r['unit'].endswith('_per_s')
                    if m in r['kernels'] and r['kernels'][m]['n'] > 1
                    and r['kernels'][m]['spread'] is not None)
        if sp:
            lines.append('%-8s (max-min)/median over %d time metrics: median %.0f%%, '
                         '90th percentile %.0f%%, max %.0f%%' %
                         (m, len(sp), 100 * statistics.median(sp),
                          100 * sp[int(0.9 * (len(sp) - 1))], 100 * sp[-1]))
    return lines


def plots(rows, modes, out):
    made = []
    for name, title, w, metric, key, xl, yl, logs in PLOTS:
        pts = {}
        for r in rows:
            if r['workload'] != w or r['metric'] != metric:
                continue
            kv = dict(p.partition('=')[::2] for p in r['param'].split(','))
            if key not in kv:
                continue
            for m in modes:
                k = r['kernels'].get(m)
                if k:
                    pts.setdefault(m, []).append((float(kv[key]), k['median'],
                                                  k['min'], k['max']))
        if not pts:
            continue
        dat = os.path.join(out, name + '.dat')
        with open(dat, 'w') as f:
            for m in modes:
                f.write('# %s\n' % m)
                for p in sorted(pts.get(m, [])):
                    f.write('%g %g %g %g\n' % p)
                f.write('\n\n')
        png = os.path.join(out, name + '.png')
        script = ['set terminal pngcairo size 900,560',
                  'set output "%s"' % png,
                  'set title "%s (median, bars: min-max)"' % title,
                  'set xlabel "%s"' % xl, 'set ylabel "%s"' % yl,
                  'set key top left', 'set grid']
        for axis in logs:
            script.append('set logscale %s' % axis)
        script.append('plot ' + ', '.join(
            '"%s" index %d using 1:2:3:4 with yerrorlines title "%s"' % (dat, i, m)
            for i, m in enumerate(modes) if m in pts))
        try:
            subprocess.run(['gnuplot'], input='\n'.join(script) + '\n', text=True,
                           check=True, capture_output=True)
            made.append(png)
        except (OSError, subprocess.CalledProcessError) as e:
            print('plot %s failed: %s' % (name, getattr(e, 'stderr', e)), file=sys.stderr)
    return made


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--logs', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--modes', default='stock shadow primary')
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--kernels', default='bench-off bench')
    ap.add_argument('--scale', default='1')
    a = ap.parse_args()
    modes = a.modes.split()

    data, problems = load(a.logs, modes, a.runs)
    rows = summarise(data, modes)
    meta = {
        'date': time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()),
        'kernels': a.kernels, 'modes': modes, 'runs': a.runs, 'scale': a.scale,
        'host': '%s, %d CPUs' % (os.uname().nodename, os.cpu_count()),
        'guest': 'QEMU TCG, 4 vCPUs, 2 NUMA nodes of 2 GiB, zram swap, slab_nomerge',
        'problems': problems,
    }
    with open(os.path.join(a.out, 'results.json'), 'w') as f:
        json.dump({'meta': meta, 'rows': rows}, f, indent=1)
    with open(os.path.join(a.out, 'results.csv'), 'w', newline='') as f:
        wr = csv.writer(f)
        wr.writerow(['workload', 'metric', 'param', 'unit', 'kernel', 'median', 'min',
                     'max', 'runs', 'ratio_to_stock', 'ratio_min', 'ratio_max',
                     'ratio_is'])
        for r in rows:
            for m in modes:
                k = r['kernels'].get(m)
                if not k:
                    continue
                wr.writerow([r['workload'], r['metric'], r['param'], r['unit'], m,
                             '%g' % k['median'], '%g' % k['min'], '%g' % k['max'], k['n'],
                             '' if k.get('ratio') is None else '%.4g' % k['ratio'],
                             '' if k.get('ratio_min') is None else '%.4g' % k['ratio_min'],
                             '' if k.get('ratio_max') is None else '%.4g' % k['ratio_max'],
                             r['ratio'] if m != 'stock' else ''])
    made = plots(rows, modes, a.out)

    text = ['make bench, %s: %s; %d run(s) per kernel, scale %s' %
            (meta['date'], ' / '.join(modes), a.runs, a.scale),
            'guest: %s; kernels: %s (stock = the option off)' % (meta['guest'], a.kernels),
            'ratios: bytes stock/patched, times patched/stock, rates patched/stock;'
            ' [range] = smallest..largest ratio over all pairs of runs', '']
    text += table(rows, modes)
    text += ['', 'noise between runs of the same kernel:'] + noise(rows, modes)
    if made:
        text += ['', 'plots: ' + ' '.join(os.path.relpath(p) for p in made)]
    if problems:
        text += ['', 'PROBLEMS (%d):' % len(problems)] + ['  ' + p for p in problems[:40]]
    with open(os.path.join(a.out, 'table.txt'), 'w') as f:
        f.write('\n'.join(text) + '\n')
    print('\n'.join(text))
    print('\nwritten: %s/results.json results.csv table.txt' % os.path.relpath(a.out))
    return 1 if problems or not rows else 0


if __name__ == '__main__':
    sys.exit(main())
