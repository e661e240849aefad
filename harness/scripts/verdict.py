#!/usr/bin/python3
"""One verdict over everything a harness run produced.

Reads KUnit results (kunit.py --json), guest console logs with TAP between
markers, checkpatch results, and harness/baseline.  Every test result,
every console log and every patch is one item; prints a summary and ends
with the line `N passed, N failed`.  Exit status 1 on any failure.

A console fails on any kernel splat (WARNING:, BUG:, Oops, panic, lockdep,
KASAN, UBSAN, hung task, RCU stall, stack dump) even if every test passed,
and on a guest that did not finish.
"""
import argparse
import json
import re
import sys

SPLAT = re.compile(
    r'WARNING:|BUG:|Oops|Kernel panic|general protection fault|'
    r'possible circular locking|possible recursive locking|'
    r'inconsistent lock state|suspicious RCU usage|INFO: task .* blocked|'
    r'rcu: INFO:|detected stalls? on CPU|KASAN:|UBSAN:|kernel BUG at|'
    r'Call Trace:|unreferenced object')
# Counters in /sys/kernel/debug/cow_context/stats that must stay zero.
ZERO_STATS = ('reach_fail', 'xcheck_missed', 'audit_missed')
# With xcheck_rate 1 every anonymous rmap walk is sampled and must end in
# one of these: compared, or not comparable for a reason the kernel names.
COMPARED = ('xcheck_walks', 'xcheck_ksm_walks')
UNCOMPARABLE = ('xcheck_unmapped', 'xcheck_contended')  # nothing to pin; a try_lock walk gave up
BLIND = ('xcheck_overflow', 'xcheck_nomem')             # the check had no room: a blind spot
# Walks still in flight when the guest reads the stats (background reclaim,
# compaction): counted in "walks", not yet in a bucket.
IN_FLIGHT = 8

passed, failed, notes = [], [], []
SIGS = {}


def ok(item, why=''):
    passed.append(item)
    print(f'PASS  {item}' + (f'  ({why})' if why else ''))


def bad(item, why):
    failed.append(item)
    print(f'FAIL  {item}  ({why})')


def read_baseline(path):
    """{name: (kind, reason)}; flaky-sig lines (a flaky test's failure
    signatures, which the guest matches) go to SIGS, {name: [ERE, ...]}."""
    base = {}
    for line in open(path):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        kind, name, reason = (line.split(None, 2) + [''])[:3]
        if kind == 'flaky-sig':
            SIGS.setdefault(name, []).append(reason)
        elif kind == 'noaudit':
            # run with the guest's auditor paused; judged as any test
            continue
        else:
            base[name] = (kind, reason)
    return base


def judge(item, status, base, detail='', shown=None):
    """status: pass, fail, skip, flaky (passed on rerun).  A listed flaky
    test's failure that the guest found not to be the recorded flake
    (TAP "# flaky-mismatch: ...", not rerun) is a failure, said so.

    item is the baseline name; shown, if given, is what the report calls
    it (the same selftest runs on more than one guest kernel)."""
    kind, reason = base.get(item, (None, ''))
    name = shown or item
    if status == 'pass':
        ok(name, 'baseline says it fails there; update harness/baseline'
           if kind == 'fail' else '')
    elif status == 'flaky':
        if kind == 'flaky':
            ok(name, 'FLAKY: failed once, passed on rerun; ' + reason)
            notes.append(f'flaky: {name}')
        else:
            bad(name, 'failed, then passed on rerun, but is not listed flaky')
    elif status == 'skip':
        if kind == 'skip':
            ok(name, 'expected skip: ' + reason)
        else:
            bad(name, 'skipped, and the baseline does not expect it' +
                (f': {detail}' if detail else ''))
    else:
        if kind == 'fail':
            ok(name, 'expected failure on the base: ' + reason)
            notes.append(f'expected failure: {name}')
        elif kind == 'flaky' and 'flaky-mismatch' in detail:
            # The guest did not rerun it: not the failure the baseline records.
            res, why = detail.split('# flaky-mismatch:', 1)
            bad(name, f'{res.strip()}: FLAKY-MISMATCH, listed flaky but '
                f'{why.strip().removeprefix("listed flaky, but ")} '
                f'(recorded signature: {" | ".join(SIGS.get(item, []))})')
        elif kind == 'flaky' and '# flaky: first run failed' in detail:
            bad(name, detail.split('#', 1)[0].strip() + ': the first run failed '
                'with the recorded flake, and the rerun failed too')
        else:
            bad(name, detail or 'failed')


def kunit(path, base):
    try:
        data = json.load(open(path))
    except (OSError, ValueError) as e:
        bad('kunit', f'no KUnit results: {e}')
        return

    def walk(group, prefix):
        for case in group.get('test_cases', []):
            st = case.get('status', 'FAIL').upper()
            st = {'PASS': 'pass', 'SKIP': 'skip'}.get(st, 'fail')
            judge(f'kunit:{prefix}{case["name"]}', st, base)
        for sub in group.get('sub_groups', []):
            walk(sub, f'{sub["name"]}.')

    n = len(passed) + len(failed)
    walk(data, '')
    if len(passed) + len(failed) == n:
        bad('kunit', 'no test cases in the KUnit results')


def console(label, path, base):
    try:
        lines = open(path, errors='replace').read().splitlines()
    except OSError as e:
        bad(f'{label}:console', f'no console log: {e}')
        return
    splats = [l for l in lines if SPLAT.search(l)]
    if label == 'kunit':
        # kunit_shutdown=reboot: the kernel restarts once every suite ran.
        # (Not "# Totals:", printed after each suite, nor "kunit_shutdown",
        # which is on the command line the kernel echoes as it boots.)
        done = any(re.match(r'reboot: (Restarting system|machine restart)', l)
                   for l in lines)
    else:
        done = any('=== GUEST DONE ===' in l for l in lines)
    intap, plan, seen = False, None, {}
    stats, balance, auditor, slabs = {}, {}, {}, {}
    instats = False
    for l in lines:
        if '=== BEGIN TAP ===' in l:
            intap = True
            continue
        if '=== END TAP ===' in l:
            intap = False
        if '=== BEGIN STATS ===' in l:
            instats = True
            continue
        if '=== END STATS ===' in l:
            instats = False
        if instats:
            f = l.split()
            if len(f) == 3 and f[0] == 'cow_context':
                stats[f[1]] = f[2]
            elif len(f) == 5 and f[0] == 'cow_context-balance':
                balance[f[1]] = f[2:]
            elif len(f) == 3 and f[0] == 'auditor':
                auditor[f[1]] = f[2]
            elif len(f) == 4 and f[0] in ('slab', 'slab-start'):
                slabs.setdefault(f[1], {})[f[0]] = f[2]
            continue
        if not intap:
            continue
        m = re.match(r'1\.\.(\d+)$', l)
        if m:
            plan = int(m.group(1))
        m = re.match(r'(not ok|ok) (\d+) (\S+)\s*(.*)$', l)
        if not m:
            continue
        res, name, rest = m.group(1), m.group(3), m.group(4)
        if 'SKIP' in rest:
            st = 'skip'
        elif res == 'not ok':
            st = 'fail'
        elif 'flaky' in rest:
            st = 'flaky'
        else:
            st = 'pass'
        seen[name] = (st, rest.lstrip('# '))
    tag = label.split('-', 1)[1] if label.startswith('selftests-') else label
    for name, (st, rest) in seen.items():
        judge(name, st, base, rest, shown=f'{tag}:{name}')
    if plan is not None and len(seen) != plan:
        bad(f'{label}:tap', f'{len(seen)} results for a plan of {plan}')
    elif label.startswith('selftests') and plan is None:
        bad(f'{label}:tap', 'no TAP plan in the console')
    for k in ZERO_STATS:
        if k in stats and stats[k] != '0':
            bad(f'{label}:cow_context:{k}', f'{k} = {stats[k]}')
    xcheck_accounting(label, stats)
    remap_balance(label, stats, balance)
    auditor_check(label, stats, auditor)
    if stats:
        print(f'      {label} cow_context stats: ' +
              ' '.join(f'{k}={v}' for k, v in stats.items()))
    if slabs:
        print(f'      {label} slab objects before -> after the tests: ' +
              ', '.join(f'{k} {v.get("slab-start", "?")} -> {v.get("slab", "?")}'
                        for k, v in slabs.items()))
    if label.startswith('selftests') and label.endswith('-only'):
        only_slabs(label, slabs)
    if not done:
        bad(f'{label}:console', 'guest did not finish (hung, crashed or timed out); '
            f'last line: {lines[-1] if lines else "<empty>"}')
    elif splats:
        bad(f'{label}:console', f'{len(splats)} kernel splat line(s), first: '
            f'{splats[0].strip()}')
    else:
        ok(f'{label}:console', f'no splat in {len(lines)} lines')


def remap_balance(label, stats, balance):
    """Remap entries go with the VMAs that need them, and an mm's death
    empties its tree: once the tests are done, the stats' remap_entries
    equal the ranges of the trees of the live mms (harness/guest/init)."""
    if 'remap_entries' not in balance:
        return
    item = f'{label}:cow_context:remap_entries'
    total, live, mms = balance['remap_entries']
    if total != live:
        bad(item, f'{total} in the stats after the tests, {live} in the '
            f'trees of the {mms} live mms')
    else:
        ok(item, f'{total} after the tests, all in the trees of the {mms} '
           f'live mms')


def only_slabs(label, slabs):
    """Without anon_vma (CONFIG_COW_CONTEXT_ANON_RMAP_ONLY) the tests must
    leave no more anon_vma or anon_vma_chain objects than they found."""
    for cache in ('anon_vma', 'anon_vma_chain'):
        item = f'{label}:slab:{cache}'
        v = slabs.get(cache, {})
        try:
            before, after = int(v['slab-start']), int(v['slab'])
        except (KeyError, ValueError):
            bad(item, f'no slab figures for {cache}: {v}')
            continue
        if after > before:
            bad(item, f'{cache} grew from {before} to {after} objects')
        else:
            ok(item, f'{before} -> {after} objects')


def auditor_check(label, stats, auditor):
    """The guest's periodic auditor (harness/guest/init) must have audited
    live processes, whenever the kernel has the audit, and missed none."""
    if not stats or stats.get('mode', 'off') == 'off':
        return
    item = f'{label}:cow_context:auditor'
    try:
        n = {k: int(v) for k, v in auditor.items()}
    except ValueError:
        bad(item, f'unreadable auditor totals: {auditor}')
        return
    if not n.get('passes'):
        bad(item, 'the periodic auditor made no pass'
            + (f': {auditor}' if auditor else ''))
        return
    why = (f'{n["passes"]} passes, {n.get("audits", 0)} process audits, '
           f'{n.get("mappings", 0)} entries (raced {n.get("raced", 0)}, '
           f'frozen {n.get("frozen", 0)}, unpinned {n.get("unpinned", 0)}), '
           f'{n.get("busy_ms", 0)} ms'
           + (f', paused for {n["pauses"]} noaudit test runs'
              if n.get('pauses') else ''))
    if n.get('missed'):
        bad(item, f'{n["missed"]} entries missed: {why}')
    elif not n.get('mappings'):
        bad(item, f'audited no entry: {why}')
    else:
        ok(item, why)


def xcheck_accounting(label, stats):
    """A run must compare every walk it made, or name why it could not."""
    if stats.get('xcheck_rate') != '1' or 'walks' not in stats:
        return
    try:
        n = {k: int(stats.get(k, 0)) for k in
             ('walks',) + COMPARED + UNCOMPARABLE + BLIND}
    except ValueError:
        bad(f'{label}:cow_context:xcheck', f'unreadable stats: {stats}')
        return
    compared = sum(n[k] for k in COMPARED)
    blind = sum(n[k] for k in BLIND)
    other = sum(n[k] for k in UNCOMPARABLE)
    lost = n['walks'] - compared - other - blind
    item = f'{label}:cow_context:xcheck'
    why = (f'{compared} of {n["walks"]} walks compared; not comparable: ' +
           ', '.join(f'{k} {n[k]}' for k in UNCOMPARABLE) +
           '; blind: ' + ', '.join(f'{k} {n[k]}' for k in BLIND))
    if blind:
        bad(item, 'compared fewer walks than it made: ' + why)
    elif lost > IN_FLIGHT or lost < 0:
        bad(item, f'{lost} walks in no bucket: ' + why)
    else:
        ok(item, why)


def checkpatch(path):
    warnings = 0
    for line in open(path):
        f = line.split()
        if len(f) != 4:
            continue
        name, e, w, c = f[0], int(f[1]), int(f[2]), int(f[3])
        warnings += w + c
        if e:
            bad(f'checkpatch:{name}', f'{e} errors, {w} warnings, {c} checks')
        else:
            ok(f'checkpatch:{name}', f'{w} warnings, {c} checks' if w or c else '')
    notes.append(f'checkpatch warnings+checks: {warnings}')


def vma_tests(path):
    """tools/testing/vma, once per configuration (vma-tests.sh): the log
    names them first ("== configs: NAME..."), each run starts with "==
    config: NAME" and ends with "N tests run, N passed, N failed"."""
    try:
        lines = open(path).read().splitlines()
    except OSError as e:
        bad('vma-tests', f'no log: {e}')
        return
    runs, cur = {}, None
    want = ['off', 'CONFIG_COW_CONTEXT_ANON_RMAP']
    for line in lines:
        m = re.match(r'== configs: (.*)$', line)
        if m:
            want = m.group(1).split()
            continue
        m = re.match(r'== config: (\S+)$', line)
        if m:
            cur = m.group(1)
            runs[cur] = None
            continue
        m = re.match(r'(\d+) tests run, (\d+) passed, (\d+) failed\.', line)
        if m and cur:
            runs[cur] = (line, m)
    for config in want:
        name = f'vma-tests:{config}'
        if config not in runs:
            bad(name, f'not run (see {path})')
        elif not runs[config]:
            bad(name, f'no result line (see {path})')
        else:
            line, m = runs[config]
            run, good, fail = map(int, m.groups())
            if fail or not run or good != run:
                bad(name, line)
            else:
                ok(name, line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--baseline', required=True)
    ap.add_argument('--kunit-json')
    ap.add_argument('--console', action='append', default=[],
                    metavar='LABEL=PATH')
    ap.add_argument('--checkpatch')
    ap.add_argument('--vma-tests')
    ap.add_argument('--failed-step', action='append', default=[])
    a = ap.parse_args()
    base = read_baseline(a.baseline)
    for s in a.failed_step:
        bad(f'step:{s}', 'could not be built or run; see the log above')
    if a.checkpatch:
        checkpatch(a.checkpatch)
    if a.vma_tests:
        vma_tests(a.vma_tests)
    if a.kunit_json:
        kunit(a.kunit_json, base)
    for c in a.console:
        label, path = c.split('=', 1)
        console(label, path, base)
    print()
    for n in notes:
        print(f'note: {n}')
    if failed:
        print('failed: ' + ' '.join(failed))
    print(f'{len(passed)} passed, {len(failed)} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
