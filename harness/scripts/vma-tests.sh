#!/usr/bin/env bash
# tools/testing/vma: the kernel's userland tests of mm/vma.c (VMA merge,
# split, expand, mremap's copy_vma), built from the patched tree on the
# host in seconds, in both configurations: as the stock kernel builds
# mm/vma.c, and with CONFIG_COW_CONTEXT_ANON_RMAP, where the VMA carries
# its own anon rmap mark and every check that it equals !!anon_vma (the
# kernel's CONFIG_DEBUG_VM assertion) aborts the tests on a mismatch.
# Output: build/logs/vma-tests.log, one "== config: NAME" line before each
# run's output, whose last line is the tests' own "N tests run, N passed,
# N failed".  The objects are cleaned out of the tree afterwards.
. "$(dirname "$0")/lib.sh"

log="$B/logs/vma-tests.log"
mkdir -p "$B/logs"
dir="$TREE/tools/testing/vma"
[ -d "$dir" ] || die "no $dir"
rc=0
: >"$log"
for config in off CONFIG_COW_CONTEXT_ANON_RMAP; do
	cflags=
	[ $config = off ] || cflags=-D$config
	{
		echo "== config: $config"
		make -s -C "$dir" clean
		CFLAGS="$cflags" make -C "$dir" -j"$JOBS" vma && (cd "$dir" && ./vma)
	} >>"$log" 2>&1 || { rc=1; echo "vma-tests ($config) exited $?" >>"$log"; }
	say "vma-tests ($config): $(tail -1 "$log")"
done
make -s -C "$dir" clean >/dev/null 2>&1 || true
exit $rc
