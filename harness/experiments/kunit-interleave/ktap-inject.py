#!/usr/bin/env python3
"""Insert one kernel message at every line of a KUnit console log from the
first "KTAP version" on, parse each copy with kunit.py parse, with and
without harness/scripts/ktap_lines.py in front, and count the copies whose
results differ from the clean log's.

Usage (from the top of the repository, after make kunit):
  harness/experiments/kunit-interleave/ktap-inject.py build/kunit/test.log
"""
import json
import os
import subprocess
import sys
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '../../..'))
KUNIT = os.path.join(TOP, 'build/linux/tools/testing/kunit/kunit.py')
FILTER = os.path.join(TOP, 'harness/scripts/ktap_lines.py')
MSGS = [
    "clocksource: timekeeping watchdog on CPU1: Marking clocksource 'tsc' "
    "as unstable because the skew is too large:",
    'input: ImExPS/2 Generic Explorer Mouse as '
    '/devices/platform/i8042/serio1/input/input2',
    'tsc: Refined TSC clocksource calibration: 2596.077 MHz',
]
tmp = tempfile.mkdtemp()


def results(lines, filt):
    raw, ktap, js = (os.path.join(tmp, n) for n in ('raw', 'ktap', 'json'))
    open(raw, 'w').write('\n'.join(lines) + '\n')
    if filt:
        subprocess.run([sys.executable, FILTER, raw, ktap], check=True)
        raw = ktap
    subprocess.run([sys.executable, KUNIT, 'parse', f'--json={js}', raw],
                   capture_output=True)
    out = []

    def walk(g, prefix):
        out.extend((prefix + c['name'], c['status']) for c in g['test_cases'])
        for s in g['sub_groups']:
            walk(s, prefix + s['name'] + '.')
    walk(json.load(open(js)), '')
    return sorted(out)


src = open(sys.argv[1], errors='replace').read().splitlines()
start = next(i for i, l in enumerate(src) if l.startswith('KTAP version'))
clean = results(src, False)
assert clean == results(src, True), 'the filter changes a clean log'
n, broken = 0, {False: 0, True: 0}
for m in MSGS:
    for i in range(start + 1, len(src) + 1):
        n += 1
        for filt in (False, True):
            if results(src[:i] + [m] + src[i:], filt) != clean:
                broken[filt] += 1
print(f'{len(clean)} results; {n} copies with one message inserted: '
      f'{broken[False]} parsed wrong without the filter, '
      f'{broken[True]} with it')
