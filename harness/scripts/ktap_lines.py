#!/usr/bin/env python3
"""Keep the KTAP lines of a KUnit console log, drop the kernel's own messages.

kunit.py's parser tolerates unknown lines in most places but not between a
suite's "KTAP version 1" line and its "# Subtest:" line: a kernel message
there (a late boot message such as "input: ImExPS/2 ...", "tsc: Refined
TSC ..." or a clocksource watchdog line, whose timing differs from machine to
machine) makes it record every later suite twice, once parsed and once as a
nameless crashed test.  KTAP lines are indented subtest lines or start with
"KTAP version", "TAP version", "1..", "ok ", "not ok " or "# "; printk
messages at the top level start with their subsystem prefix, so a line at
column 0 that is none of those is not KTAP.  Indented lines are kept:
assertion messages of a failing test are indented without a "#".

A guest kernel's console (KUnit built in, run at boot) has a printk
timestamp before every kernel line, "[    1.234567] ": it is removed first.

The raw log stays as it is for the console check (splats, completion); this
only feeds the parser.  Usage: ktap_lines.py IN OUT
"""
import re
import sys

KTAP = re.compile(r'\s|KTAP version |TAP version |1\.\.\d|ok |not ok |# |'
                  r'kunit executor: ')
STAMP = re.compile(r'\[ *\d+\.\d+\] ')

with open(sys.argv[1], errors='replace') as f, open(sys.argv[2], 'w') as out:
    for line in f:
        m = STAMP.match(line)
        if m:
            line = line[m.end():]
        if KTAP.match(line):
            out.write(line)
