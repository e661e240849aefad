#!/usr/bin/env bash
# KUnit results from the console of a guest kernel that ran the suites at
# boot: the "guest" kernel has KUnit built in (harness/configs/kunit.config,
# off unless kunit.enable=1) and check.sh boots it with kunit.enable=1, so
# the suites run before /init, on the kernel the selftests then use.  No
# kernel is built for KUnit alone.  The console up to /init's first line
# goes to build/kunit/test.log, its KTAP lines (ktap_lines.py: printk
# timestamps and interleaved kernel messages dropped) to build/kunit/ktap.log,
# and the kernel's own `kunit.py parse` of those to build/kunit/results.json
# (its report in build/logs/kunit.log).  The console itself is judged with
# the guest's (splats, completion).
#
#   kunit-guest.sh CONSOLE
. "$(dirname "$0")/lib.sh"

console=${1:?usage: kunit-guest.sh CONSOLE}
mkdir -p "$B/kunit" "$B/logs"
rm -f "$B/kunit/results.json" "$B/kunit/results-run.json" "$B/kunit/ktap.log"
[ -s "$console" ] || die "no guest console $console"
# /init's first line; a kernel that never reached /init leaves it all
sed '/^harness: /q' "$console" >"$B/kunit/test.log"
grep -q 'KTAP version' "$B/kunit/test.log" ||
	die "no KTAP output in $console: was the guest booted with kunit.enable=1?"
say "kunit.py parse of the KTAP lines of ${console#"$TOP"/}"
ktap_parse "$B/kunit/test.log" >"$B/logs/kunit.log" || true
tail -n 3 "$B/logs/kunit.log" >&2
[ -s "$B/kunit/results.json" ] || die "kunit.py parse wrote no results (build/logs/kunit.log)"
