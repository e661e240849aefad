#!/usr/bin/env bash
# tools/testing/vma: the kernel's userland tests of mm/vma.c (VMA merge,
# split, expand, mremap's copy_vma), built from the patched tree on the
# host in seconds.  Output: build/logs/vma-tests.log, whose last line is
# the tests' own "N tests run, N passed, N failed".  The objects are
# cleaned out of the tree afterwards.
. "$(dirname "$0")/lib.sh"

log="$B/logs/vma-tests.log"
mkdir -p "$B/logs"
dir="$TREE/tools/testing/vma"
[ -d "$dir" ] || die "no $dir"
rc=0
{
	make -s -C "$dir" clean
	make -C "$dir" -j"$JOBS" vma && (cd "$dir" && ./vma)
} >"$log" 2>&1 || rc=$?
make -s -C "$dir" clean >/dev/null 2>&1 || true
tail -1 "$log" >&2
exit $rc
